/* The OpenAPI document served at /api/openapi.yaml: build/openapi.yaml, which the Makefile
 * assembles from docs/openapi/ (_head.yaml, then every fragment), embedded so the binary is
 * self-contained. Paths are relative to the repository root (the Makefile passes -Wa,-I.). */
    .section .rodata
    .global http_openapi_yaml
http_openapi_yaml:
    .incbin "build/openapi.yaml"
    .byte 0
    .section .note.GNU-stack,"",@progbits
