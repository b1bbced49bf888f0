file(REMOVE_RECURSE
  "libkvpt_core.a"
)
