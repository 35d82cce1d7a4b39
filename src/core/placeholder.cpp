namespace parley { int core_placeholder = 0; }
