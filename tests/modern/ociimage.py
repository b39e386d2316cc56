#!/usr/bin/env python3
"""An OCI image archive (oci-layout, index.json, blobs) of a rootfs directory, for `ctr images
import`: one uncompressed layer, the command given, the name in the index's annotations. The
containerd scripts use it for their pause and test images, so that nothing is pulled.
  ociimage.py ROOTFS NAME OUT.tar CMD...
"""
import hashlib
import io
import json
import sys
import tarfile


def blob(tar, data):
    d = hashlib.sha256(data).hexdigest()
    ti = tarfile.TarInfo("blobs/sha256/" + d)
    ti.size = len(data)
    tar.addfile(ti, io.BytesIO(data))
    return "sha256:" + d, len(data)


def main(rootfs, name, out, cmd):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as layer:
        layer.add(rootfs, arcname=".")
    layer_bytes = buf.getvalue()
    diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
    with tarfile.open(out, "w") as tar:
        ldig, lsize = blob(tar, layer_bytes)
        config = json.dumps({"architecture": "amd64", "os": "linux",
                             "config": {"Cmd": cmd, "Env": ["PATH=/bin:/sbin:/usr/bin:/usr/sbin"]},
                             "rootfs": {"type": "layers", "diff_ids": [diff_id]}}).encode()
        cdig, csize = blob(tar, config)
        manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                               "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                          "digest": cdig, "size": csize},
                               "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                           "digest": ldig, "size": lsize}]}).encode()
        mdig, msize = blob(tar, manifest)
        index = json.dumps({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig, "size": msize,
             "platform": {"architecture": "amd64", "os": "linux"},
             "annotations": {"io.containerd.image.name": name,
                             "org.opencontainers.image.ref.name": name.rsplit(":", 1)[-1]}}]}).encode()
        for fname, data in (("oci-layout", b'{"imageLayoutVersion": "1.0.0"}'), ("index.json", index)):
            ti = tarfile.TarInfo(fname)
            ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:])
