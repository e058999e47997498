"""The multicloud.interconnect lab: emulated clouds on 127.0.0.1 and a real data plane."""
