#!/usr/bin/env python3
"""Writes a synthetic Cutover environment for benchmarks: N generations sharing the PAWS defaults.

Usage: scripts/synthetic-environment.py GENERATIONS DIR [NAME]

Writes DIR/clusters/NAME.yaml (NAME defaults to "bench"). Each generation expands to a cluster template and a
cluster; the environment adds two web proxies, so it holds 2 * GENERATIONS + 2 resources.
"""
import pathlib
import sys


def main() -> int:
    if len(sys.argv) not in (3, 4) or not sys.argv[1].isdigit() or int(sys.argv[1]) < 1:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    count = int(sys.argv[1])
    directory = pathlib.Path(sys.argv[2])
    name = sys.argv[3] if len(sys.argv) == 4 else "bench"
    lines = [
        f"environment: {name}",
        "cloud: bench",
        "project: paws",
        "name_prefix: bench",
        "defaults:",
        "  template:",
        "    image: Fedora-CoreOS-38",
        "    keypair: paws-magnum-vm",
        "    flavor: g4.cores8.ram32.disk20",
        "    master_flavor: g4.cores2.ram4.disk20",
        "    external_network: wan-transport-eqiad",
        "    network_driver: calico",
        "    docker_volume_size: 80",
        "    labels: {kube_tag: v1.27.8-rancher2, container_runtime: containerd, calico_tag: v3.26.4}",
        "  cluster: {masters: 1, workers: 2, create_timeout: 60m}",
        "generations:",
    ]
    # Ids like 0000a, 0000b, ...: lower-case letters and digits, as generation ids must be.
    ids = [f"{index // 26:04d}{chr(ord('a') + index % 26)}" for index in range(count)]
    lines += [f"  {generation}: {{}}" for generation in ids]
    lines += [
        f"live: {ids[0]}",
        "web_proxies:",
        "  port: 30001",
        "  domains: [hub.bench.example.org, public.bench.example.org]",
    ]
    target = directory / "clusters" / f"{name}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines) + "\n")
    print(f"{target}: {count} generations, {2 * count + 2} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
