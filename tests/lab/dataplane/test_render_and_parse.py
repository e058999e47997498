"""The data plane's pure parts: plan, renderers and status parsers (no root, no daemons)."""
from __future__ import annotations

from pathlib import Path

import pytest
from dataplane_topologies import NET_A, NET_B, bgp_ecmp_pair, policy_ikev1_pair, two_networks

from mci_lab.dataplane.layout import Layout
from mci_lab.dataplane.model import BgpPeer, Gateway, Tunnel
from mci_lab.dataplane.naming import IFNAME_MAX, Names
from mci_lab.dataplane.plan import TopologyError, allocate_transit, build_plan
from mci_lab.dataplane.render.strongswan import CharonSettings, SwanctlConnection, render_strongswan_conf, render_swanctl_conf
from mci_lab.dataplane.status import CharonLogWatcher, parse_bird_protocols, parse_bird_routes, parse_swanctl_raw, sa_state
from mci_lab.dataplane.timers import FAST_IKE_RETRANSMIT, bgp_timers

LAYOUT = Layout(Path("/var/tmp/lab/dataplane"))


def _plan(topology, profile="fast", previous=None):
    return build_plan(topology, Names("mci-unit-"), LAYOUT, profile, previous)


def test_strongswan_conf_loads_libipsec_before_netlink_with_enough_threads():
    conf = render_strongswan_conf(CharonSettings("/s/c.vici", "/l/charon.log", FAST_IKE_RETRANSMIT,
                                                 port=20002, port_nat_t=20003, routing_table=221,
                                                 routing_table_prio=32801, interfaces_use="wan0"))
    load = next(line for line in conf.splitlines() if line.strip().startswith("load ="))
    assert load.index("kernel-libipsec") < load.index("kernel-netlink")
    for expected in ("threads = 16", "port = 20002", "port_nat_t = 20003", "routing_table_prio = 32801",
                     "interfaces_use = wan0", "socket = unix:///s/c.vici", "path = /l/charon.log", "load_modular = no"):
        assert expected in conf


def test_swanctl_conf_for_an_ikev1_initiator_with_two_subnets_per_side():
    tunnel = Tunnel("t", "198.51.100.10", "203.0.113.10", 'p"s k\\', ike_version=1, initiate=True, route_based=False,
                    local_ts=("10.0.0.0/16", "10.1.0.0/16"), remote_ts=("192.168.0.0/16",))
    conf = render_swanctl_conf([SwanctlConnection("c1", tunnel, dpd_delay=2)])
    assert "version = 1" in conf and "aggressive = no" in conf and "keyingtries = 0" in conf
    assert "start_action = start" in conf and "dpd_action = restart" in conf and "close_action = start" in conf
    # IKEv1 negotiates one subnet pair per CHILD_SA.
    assert "c1-1 {" in conf and "c1-2 {" in conf and "local_ts = 10.1.0.0/16" in conf
    assert f"secret = 0x{tunnel.psk.encode().hex()}" in conf and tunnel.psk not in conf


def test_swanctl_conf_for_a_responder_waits_for_the_peer():
    tunnel = Tunnel("t", "203.0.113.10", "198.51.100.10", "k", dpd_action="clear")
    conf = render_swanctl_conf([SwanctlConnection("c1", tunnel, dpd_delay=30)])
    assert "start_action = none" in conf and "dpd_action = clear" in conf and "keyingtries" not in conf
    assert "dpd_delay = 30s" in conf


def test_plan_shares_one_address_between_two_route_based_charons_with_a_port_mux():
    plan = _plan(bgp_ecmp_pair())
    (cgw_ns,) = plan.gateway_namespaces["cgw-a"]
    charons = sorted(k for k in plan.charons if k.startswith(cgw_ns))
    assert len(charons) == 2
    second = plan.charons[charons[1]]
    assert "port = 20002" in second.strongswan_conf and "routing_table_prio = 32801" in second.strongswan_conf
    rules = plan.namespaces[cgw_ns].iptables
    assert "--dport 500 -j DNAT --to-destination 198.51.100.30:20002" in rules
    assert "--sport 20003 -j SNAT --to-source 198.51.100.30:4500" in rules
    # the AWS-like side has one namespace (and one charon) per outside address
    assert len(plan.gateway_namespaces["vgw-b"]) == 2


def test_plan_runs_bird_per_bgp_gateway_namespace_and_in_propagating_routers():
    plan = _plan(bgp_ecmp_pair(enabled_a1=False))
    roles = sorted(spec.role for spec in plan.birds.values())
    assert roles == ["gateway", "gateway", "gateway", "router", "router"]
    disabled = plan.tunnels["aws/vpn-0abc/1"]
    assert disabled.charon_key is None
    assert "disabled on;" in plan.birds[disabled.bird_key].conf
    cgw_bird = plan.birds[plan.tunnels["cgw/tunnel-1"].bird_key].conf
    assert f"route {NET_A} blackhole;" in cgw_bird and "merge paths on;" in cgw_bird and "hold time 3;" in cgw_bird


def test_cloud_profile_uses_the_clouds_bgp_timers():
    assert (bgp_timers("cloud", "aws").keepalive, bgp_timers("cloud", "aws").hold) == (10, 30)
    assert bgp_timers("cloud", "azure").hold == 180
    plan = _plan(bgp_ecmp_pair(), profile="cloud")
    aws_bird = plan.birds[plan.tunnels["aws/vpn-0abc/2"].bird_key].conf
    assert "hold time 30;" in aws_bird and "keepalive time 10;" in aws_bird


def test_plan_routes_static_vpn_routes_and_policy_source_addresses():
    plan = _plan(policy_ikev1_pair())
    router = plan.namespaces[Names("mci-unit-").router("vpc-a")]
    (route,) = router.routes
    assert route.destination == NET_B and len(route.nexthops) == 1
    (gateway_ns,) = plan.gateway_namespaces["vpn-gw-a"]
    assert ("lo", "10.10.0.1/32") in plan.namespaces[gateway_ns].addresses


def test_interface_names_fit_the_kernel_limit():
    plan = _plan(bgp_ecmp_pair())
    for veth in plan.veths.values():
        assert len(veth.if_a) <= IFNAME_MAX and len(veth.if_b) <= IFNAME_MAX


def test_transit_links_keep_their_addresses_when_others_come_and_go():
    first = allocate_transit(["r|a", "r|b", "r|c"], {})
    second = allocate_transit(["r|a", "r|c", "r|d"], first)
    assert second["r|a"] == first["r|a"] and second["r|c"] == first["r|c"]
    assert second["r|d"] == first["r|b"]  # the freed /30 is reused


@pytest.mark.parametrize("bad, message", [
    (Gateway("g", "aws", "vpc-a", ("100.64.0.10",)), "outside the lab's internet ranges"),
    (Gateway("g", "aws", "vpc-nope", ("198.51.100.9",)), "unknown network"),
    (Gateway("g", "aws", "vpc-a", ("198.51.100.9",), (
        Tunnel("t1", "198.51.100.9", "203.0.113.9", "k", inside_address="169.254.1.1"),
        Tunnel("t2", "198.51.100.9", "203.0.113.9", "k", inside_address="169.254.2.1"))), "port-mux"),
    (Gateway("g", "aws", "vpc-a", ("198.51.100.9",), (
        Tunnel("t1", "198.51.100.9", "203.0.113.9", "k", route_based=False,
               bgp=BgpPeer(1, 2, "169.254.1.1", "169.254.1.2")),)), "route-based"),
])
def test_topologies_the_lab_cannot_realise_are_refused(bad, message):
    with pytest.raises(TopologyError, match=message):
        _plan(two_networks(gateways=(bad,)))


def test_prefix_must_be_a_lab_prefix():
    with pytest.raises(ValueError):
        Names("lab-")


SWANCTL_RAW = (
    "list-sa event {t1 {uniqueid=1 version=2 state=ESTABLISHED local-host=198.51.100.10 local-port=4500 "
    "remote-host=203.0.113.10 established=12 child-sas {t1-1 {name=t1 uniqueid=1 reqid=1 state=INSTALLED "
    "mode=TUNNEL protocol=ESP encap=yes local-ts=[0.0.0.0/0] remote-ts=[0.0.0.0/0]}}}}\n"
    "list-sa event {t2 {uniqueid=2 version=1 state=CONNECTING child-sas {}}}\n"
    "list-sas reply {}\n"
)


def test_swanctl_raw_output_is_parsed_into_sa_states():
    sas = parse_swanctl_raw(SWANCTL_RAW)
    assert [sa[0] for sa in sas] == ["t1", "t2"]
    assert sas[0][1]["child-sas"]["t1-1"]["local-ts"] == ["0.0.0.0/0"]
    up = sa_state(sas, "t1", ("t1",))
    assert up.ike_established and up.ipsec_established and up.established_seconds == 12
    assert sa_state(sas, "t2", ("t2",)) == sa_state([], "t2", ("t2",))
    assert not sa_state(sas, "t1", ("t1", "t1-2")).ipsec_established


BIRD_PROTOCOLS = """BIRD 2.0.12 ready.
Name       Proto      Table      State  Since         Info
device1    Device     ---        up     2026-11-22 20:17:20
tun_1      BGP        ---        start  2026-11-22 20:17:28  Active        BGP Error: Hold timer expired
  BGP state:          Active
    Neighbor address: 169.254.21.1
    Neighbor AS:      64512
    Last error:       BGP Error: Hold timer expired
  Channel ipv4
    State:          DOWN
tun_2      BGP        ---        up     2026-11-22 20:17:21  Established
  BGP state:          Established
    Neighbor address: 169.254.22.1
  Channel ipv4
    Routes:         3 imported, 1 exported, 3 preferred
"""


def test_bird_protocols_and_routes_are_parsed():
    protocols = parse_bird_protocols(BIRD_PROTOCOLS)
    assert protocols["tun_1"].bgp_state == "Active" and protocols["tun_1"].last_error == "BGP Error: Hold timer expired"
    assert protocols["tun_2"].routes_imported == 3 and protocols["tun_2"].since is not None
    routes = parse_bird_routes("Table master4:\n10.2.0.0/16          unicast [tun_1 20:17:22.200] * (100) [AS64512i]\n"
                               "\tvia 169.254.21.1 on ipsec0\n                     unicast [tun_2 20:17:22] (100)\n")
    assert routes == ("10.2.0.0/16",)


def test_charon_log_reasons_are_attributed_to_the_right_connection(tmp_path):
    log = tmp_path / "charon.log"
    log.write_text(
        "20:27:35 12[IKE] <1> 198.51.100.10 is initiating a Main Mode IKE_SA\n"
        "20:27:35 12[CFG] <1> received proposals: IKE:AES_CBC_128/HMAC_SHA1_96/PRF_HMAC_SHA1/MODP_1024\n"
        "20:27:35 12[CFG] <1> configured proposals: IKE:AES_CBC_256/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048\n"
        "20:27:35 12[IKE] <1> no proposal found\n"
        "20:27:36 07[IKE] <tb|2> received AUTHENTICATION_FAILED notify error\n"
        "20:27:37 07[IKE] <tb|2> CHILD_SA tb{1} established with SPIs c1_i c2_o and TS 0.0.0.0/0 === 0.0.0.0/0\n"
        "20:27:38 09[IKE] <tc|3> giving up after 3 retransmits\n")
    watcher = CharonLogWatcher(log, 0, {"ta": "198.51.100.10", "tb": "198.51.100.11", "tc": "198.51.100.12"})
    watcher.poll()
    assert watcher.reasons["ta"].startswith("NO_PROPOSAL_CHOSEN") and "AES_CBC_256" in watcher.reasons["ta"]
    assert "tb" not in watcher.reasons  # established after the failure
    assert watcher.reasons["tc"] == "peer not responding (giving up after 3 retransmits)"
