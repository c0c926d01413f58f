/* The 惠企政策词典 (data/extract-lexicon.tsv), embedded in the binary like src/refdata/embed.S.
 * Paths are relative to the repository root (the Makefile passes -Wa,-I.). */
    .section .rodata
    .global extract_lexicon_tsv
extract_lexicon_tsv:
    .incbin "data/extract-lexicon.tsv"
    .byte 0
    .section .note.GNU-stack,"",@progbits
