/* The 2025 and 2026 holiday calendar (data/holidays-cn.tsv), embedded so a new store's calendar
 * is right without a file at hand. Path relative to the repository root. */
    .section .rodata
    .global ticket_holidays_tsv
ticket_holidays_tsv:
    .incbin "data/holidays-cn.tsv"
    .byte 0
    .section .note.GNU-stack,"",@progbits
