/* The search lexicon (synonyms, dictionary words, stop and question words), embedded in the binary
 * so search never reads a file it was not given. Paths are relative to the repository root. */
    .section .rodata
    .global search_synonyms_txt
search_synonyms_txt:
    .incbin "data/search_synonyms.txt"
    .byte 0
    .section .note.GNU-stack,"",@progbits
