//! Last phase: write generated files (only when changed, atomically, never over a hand-written
//! file) or check that the committed ones are fresh.
