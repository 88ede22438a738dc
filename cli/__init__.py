"""The `terugkeer` command: every wing's work for an operator, used by none of them."""
