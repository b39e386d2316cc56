#!/usr/bin/python3
# What the kernel does on the writes that bind a PCI device to a driver, for the fake sysfs tree of
# tests/lib/standin.sh (this machine has no IOMMU and no vfio-pci): drivers_probe, drivers/<d>/bind
# and unbind move the device's driver link, a VF on igbvf shows its stand-in netdev, one on
# vfio-pci shows none and gets <dev_root>/vfio/<group>. Polls every few milliseconds until killed.
#
# Usage: fakevfio.py SYSFS DEV_ROOT NETDEVS_FILE [IGNORE_PROBE_FILE]
#   NETDEVS_FILE: "<vf pci> <netdev name>" lines (the stand-ins' names).
#   IGNORE_PROBE_FILE: while it exists, probes bind nothing (a driver that refuses the device).
import os
import sys
import time

sysfs, dev_root, netdevs_file = sys.argv[1:4]
ignore_probe = sys.argv[4] if len(sys.argv) > 4 else None
devices = os.path.join(sysfs, "devices", "pci0000:00")
drivers = os.path.join(sysfs, "bus", "pci", "drivers")
netdev = dict(line.split() for line in open(netdevs_file) if line.strip())


def take(path):
    """The pci address written to path (then emptied), or None."""
    try:
        with open(path, "r+") as f:
            s = f.read().strip()
            if not s:
                return None
            f.seek(0)
            f.truncate()
            return s
    except OSError:
        return None


def group_of(pci):
    try:
        return os.path.basename(os.readlink(os.path.join(devices, pci, "iommu_group")))
    except OSError:
        return None


def unbind(pci):
    d = os.path.join(devices, pci)
    for p in (os.path.join(d, "driver"),):
        if os.path.islink(p):
            os.unlink(p)
    name = netdev.get(pci)
    if name:
        for p in (os.path.join(d, "net", name, "device"), os.path.join(sysfs, "class", "net", name)):
            if os.path.islink(p):
                os.unlink(p)
        for p in (os.path.join(d, "net", name), os.path.join(d, "net")):
            if os.path.isdir(p):
                os.rmdir(p)


def bind(drv, pci):
    d = os.path.join(devices, pci)
    if not os.path.isdir(os.path.join(drivers, drv)) or os.path.islink(os.path.join(d, "driver")):
        return
    os.symlink("../../../bus/pci/drivers/" + drv, os.path.join(d, "driver"))
    if drv == "vfio-pci":
        g = group_of(pci)
        node = os.path.join(dev_root, "vfio", g) if g else None
        if node and not os.path.exists(node):
            os.mknod(node, 0o600 | 0o020000, os.makedev(1, 3))
    elif pci in netdev:
        name = netdev[pci]
        os.makedirs(os.path.join(d, "net", name), exist_ok=True)
        os.symlink("../../../" + pci, os.path.join(d, "net", name, "device"))
        link = os.path.join(sysfs, "class", "net", name)
        if not os.path.islink(link):
            os.symlink("../../devices/pci0000:00/%s/net/%s" % (pci, name), link)


def probe(pci):
    if ignore_probe and os.path.exists(ignore_probe):
        return
    try:
        override = open(os.path.join(devices, pci, "driver_override")).read().strip()
    except OSError:
        override = ""
    bind(override if override and override != "(null)" else "igbvf", pci)


# In the order the writes are made (unbind, then probe or bind by hand): the probe and the binds
# are taken first, then the unbinds, so that an unbind written before a probe the loop sees is
# always applied before it.
while True:
    probed = take(os.path.join(sysfs, "bus", "pci", "drivers_probe"))
    bound = [(drv, take(os.path.join(drivers, drv, "bind"))) for drv in os.listdir(drivers)]
    for drv in os.listdir(drivers):
        pci = take(os.path.join(drivers, drv, "unbind"))
        if pci:
            unbind(pci)
    if probed:
        probe(probed)
    for drv, pci in bound:
        if pci:
            bind(drv, pci)
    time.sleep(0.003)
