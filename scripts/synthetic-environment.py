#!/usr/bin/env python3
"""Writes a synthetic Cutover environment for benchmarks: N generations sharing the PAWS defaults.

Usage: scripts/synthetic-environment.py [--releases | --eqiad1] GENERATIONS DIR [NAME]

Writes DIR/clusters/NAME.yaml (NAME defaults to "bench"). Each generation expands to a cluster template, a cluster
and a kubeconfig, and with --releases three Helm releases of repository charts (PAWS's ingress-nginx and
prometheus, and a third); the environment adds two web proxies, so it holds 3 * GENERATIONS + 2 resources, or
6 * GENERATIONS + 2 with --releases.

With --eqiad1 the file is clusters/eqiad1.yaml of this checkout with GENERATIONS generations: each a template, a
cluster, a kubeconfig, the default StorageClass manifest and three releases (the local chart ./paws with its two
values files among them), 7 * GENERATIONS + 2 resources; paws/ is copied beside it.
"""
import pathlib
import re
import shutil
import sys


def generation_ids(count):
    """Ids like 0000a, 0000b, ...: lower-case letters and digits, as generation ids must be."""
    return [f"{index // 26:04d}{chr(ord('a') + index % 26)}" for index in range(count)]


def eqiad1_shaped(count, directory, name):
    """clusters/eqiad1.yaml with `count` generations, and the paws/ it names."""
    checkout = pathlib.Path(__file__).resolve().parent.parent
    text = (checkout / "clusters" / "eqiad1.yaml").read_text()
    ids = generation_ids(count)
    text = re.sub(r"^environment: .*$", f"environment: {name}", text, flags=re.M)
    text = re.sub(r"^generations:\n(  .*\n)+", "generations:\n" + "".join(f"  {i}: {{}}\n" for i in ids), text,
                  flags=re.M)
    text = re.sub(r"^live: .*$", f"live: {ids[0]}", text, flags=re.M)
    target = directory / "clusters" / f"{name}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    shutil.copytree(checkout / "paws", directory / "paws", dirs_exist_ok=True)
    print(f"{target}: {count} generations, {7 * count + 2} resources")


def main() -> int:
    arguments = sys.argv[1:]
    releases = "--releases" in arguments
    eqiad1 = "--eqiad1" in arguments
    arguments = [argument for argument in arguments if argument not in ("--releases", "--eqiad1")]
    if len(arguments) not in (2, 3) or not arguments[0].isdigit() or int(arguments[0]) < 1:
        print(__doc__.strip(), file=sys.stderr)
        return 64
    count = int(arguments[0])
    directory = pathlib.Path(arguments[1])
    name = arguments[2] if len(arguments) == 3 else "bench"
    if eqiad1:
        eqiad1_shaped(count, directory, name)
        return 0
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
    ]
    if releases:
        lines += [
            "  releases:",
            "    - {name: ingress-nginx, chart: ingress-nginx/ingress-nginx, version: 4.14.3, namespace: ingress-nginx,",
            "       set: {controller.service.type: NodePort, controller.service.nodePorts.http: 30001}}",
            "    - {name: prometheus, chart: prometheus-community/prometheus, version: 25.26.0, namespace: metrics}",
            "    - {name: hub, chart: jupyterhub/jupyterhub, version: 3.3.8, namespace: prod,",
            "       set: {hub.cookieSecret: not-a-real-secret}}",
        ]
    lines += ["generations:"]
    ids = generation_ids(count)
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
    per_generation = 6 if releases else 3
    print(f"{target}: {count} generations, {per_generation * count + 2} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
