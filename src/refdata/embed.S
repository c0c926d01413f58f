/* The reference data copied into data/, embedded in the binary so duijie never reads files it
 * was not given. Paths are relative to the repository root (the Makefile passes -Wa,-I.). */
    .section .rodata
    .global refdata_regions_tsv
refdata_regions_tsv:
    .incbin "data/regions-shandong.tsv"
    .byte 0
    .global refdata_regions_historic_tsv
refdata_regions_historic_tsv:
    .incbin "data/regions-historic.tsv"
    .byte 0
    .global refdata_industries_tsv
refdata_industries_tsv:
    .incbin "data/industries-gbt4754-2017.tsv"
    .byte 0
    .section .note.GNU-stack,"",@progbits
