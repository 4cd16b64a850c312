"""Test support: in-process HTTP servers (contract server, fake CVAT) and the
deterministic schema-driven data synthesizer they use."""
