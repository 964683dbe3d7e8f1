"""Generated gRPC stubs of vectaraft.v1 (see regenerate_stubs.py)."""
