// warden-probe: placeholder until the probe lands (issue 3).
int main(void) { return 0; }
