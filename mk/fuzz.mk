# make fuzz: see fuzz/README or the README section "Fuzzing".
