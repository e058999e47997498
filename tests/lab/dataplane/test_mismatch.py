"""Negotiation failures stay DOWN and say why, read from charon's log."""
from __future__ import annotations

import time

import pytest
from dataplane_topologies import policy_ikev1_pair, two_networks

from mci_lab.dataplane.model import Gateway, Tunnel
from tests.lab.common import wait_until

pytestmark = pytest.mark.dataplane


def _route_based_pair(proposals_b: tuple[str, ...], psk_b: str = "psk-one") -> object:
    side_a = Tunnel("gcp/tunnel-a", "198.51.100.40", "203.0.113.40", "psk-one", initiate=True,
                    ike_proposals=("aes256-sha256-modp2048",), esp_proposals=("aes256-sha256-modp2048",),
                    inside_address="169.254.30.1")
    side_b = Tunnel("aws/vpn-9/1", "203.0.113.40", "198.51.100.40", psk_b,
                    ike_proposals=proposals_b, esp_proposals=proposals_b, inside_address="169.254.30.2")
    return two_networks(gateways=(
        Gateway("gcp-gw", "gcp", "vpc-a", ("198.51.100.40",), (side_a,)),
        Gateway("aws-vgw", "aws", "vpc-b", ("203.0.113.40",), (side_b,)),
    ))


CASES = {
    "ikev2-proposal": (_route_based_pair(("aes128-sha1-modp1024",)), "gcp/tunnel-a", "aws/vpn-9/1",
                       "NO_PROPOSAL_CHOSEN", "NO_PROPOSAL_CHOSEN"),
    "ikev1-proposal": (policy_ikev1_pair(proposals_b=("aes256-sha256-modp2048",)), "alibaba/vco-1", "aws/vpn-1/1",
                       "NO_PROPOSAL_CHOSEN", "NO_PROPOSAL_CHOSEN"),
    "ikev2-psk": (_route_based_pair(("aes256-sha256-modp2048",), psk_b="psk-two"), "gcp/tunnel-a", "aws/vpn-9/1",
                  "AUTHENTICATION_FAILED", "MAC mismatched"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_negotiation_failure_stays_down_with_the_reason(realizer, case):
    topology, initiator, responder, initiator_reason, responder_reason = CASES[case]
    realizer.apply(topology)

    def reasons_known():
        snap = realizer.snapshot()
        return (initiator_reason in snap.tunnels[initiator].message
                and responder_reason in snap.tunnels[responder].message and snap)

    wait_until(reasons_known, timeout=10, what=f"{initiator_reason} / {responder_reason} in the status")
    time.sleep(1)  # the initiator keeps retrying (keyingtries 0): it must still be down, for the same reason
    snap = realizer.snapshot()
    for tunnel_id, reason in ((initiator, initiator_reason), (responder, responder_reason)):
        status = snap.tunnels[tunnel_id]
        assert not status.up and not status.ipsec_established
        assert reason in status.message, status.message
