#!/usr/bin/env python3
"""A small CRI client, as kubelet drives containerd: pod sandbox, create, start, stop, remove,
exec. The stubs come from the CRI api.proto of golang-github-kubernetes-cri-api-dev, generated at
test time (`cri.py gen DIR`); every other command reads them from $CRI_GEN and talks to
$CRI_SOCK. Pod configs are kept in $CRI_GEN/pods so that CreateContainer gets the pod's own.

  cri.py gen DIR
  cri.py runp NAME CGROUP_PARENT [key=value annotation...]        prints the pod id
  cri.py create POD NAME IMAGE [--attempt N] [--cdi DEV]... [--ann k=v]... -- CMD...
  cri.py start|rm ID;  cri.py stop ID [TIMEOUT];  cri.py stopp|rmp POD
  cri.py exec ID CMD...                                            its output; its exit status
"""
import json
import os
import re
import subprocess
import sys

PROTO = "/usr/share/gocode/src/k8s.io/cri-api/pkg/apis/runtime/v1/api.proto"


def gen(out):
    os.makedirs(os.path.join(out, "pods"), exist_ok=True)
    # gogoproto's options change nothing on the wire and its .proto need not be on the path.
    text = open(PROTO).read()
    text = re.sub(r'^import "github.com/gogo/protobuf/gogoproto/gogo.proto";\n', "", text, flags=re.M)
    text = re.sub(r"^option \(gogoproto\.[^;]*;\n", "", text, flags=re.M)
    text = re.sub(r"\s*\[\(gogoproto\.[^\]]*\]", "", text)
    open(os.path.join(out, "api.proto"), "w").write(text)
    subprocess.run([sys.executable, "-m", "grpc_tools.protoc", "-I", out, "--python_out", out,
                    "--grpc_python_out", out, os.path.join(out, "api.proto")], check=True)


def main(argv):
    if argv[0] == "gen":
        gen(argv[1])
        return 0
    gdir = os.environ["CRI_GEN"]
    sys.path.insert(0, gdir)
    import grpc
    from google.protobuf import json_format
    import api_pb2 as pb
    import api_pb2_grpc as pbg

    ch = grpc.insecure_channel("unix://" + os.environ["CRI_SOCK"])
    rt = pbg.RuntimeServiceStub(ch)
    cmd, args = argv[0], argv[1:]
    T = 60

    def pod_config(pod):
        return json_format.Parse(open(os.path.join(gdir, "pods", pod + ".json")).read(), pb.PodSandboxConfig())

    if cmd == "runp":
        name, parent = args[0], args[1]
        ann = dict(a.split("=", 1) for a in args[2:])
        cfg = pb.PodSandboxConfig(
            metadata=pb.PodSandboxMetadata(name=name, uid="uid-" + name, namespace="sriov-test", attempt=0),
            hostname=name, log_directory="/tmp/cri-logs/" + name, annotations=ann,
            linux=pb.LinuxPodSandboxConfig(cgroup_parent=parent))
        os.makedirs(cfg.log_directory, exist_ok=True)
        pod = rt.RunPodSandbox(pb.RunPodSandboxRequest(config=cfg), timeout=T).pod_sandbox_id
        open(os.path.join(gdir, "pods", pod + ".json"), "w").write(json_format.MessageToJson(cfg))
        print(pod)
    elif cmd == "create":
        pod, name, image = args[:3]
        rest = args[3:]
        cdi, ann, attempt = [], {}, 0
        while rest and rest[0] != "--":
            opt, val = rest[0], rest[1]
            rest = rest[2:]
            if opt == "--cdi":
                cdi.append(pb.CDIDevice(name=val))
            elif opt == "--ann":
                k, v = val.split("=", 1)
                ann[k] = v
            elif opt == "--attempt":
                attempt = int(val)
        command = rest[1:]
        cfg = pb.ContainerConfig(metadata=pb.ContainerMetadata(name=name, attempt=attempt),
                                 image=pb.ImageSpec(image=image), command=command, annotations=ann,
                                 log_path="%s-%d.log" % (name, attempt), CDI_devices=cdi)
        r = rt.CreateContainer(pb.CreateContainerRequest(pod_sandbox_id=pod, config=cfg,
                                                         sandbox_config=pod_config(pod)), timeout=T)
        print(r.container_id)
    elif cmd == "start":
        rt.StartContainer(pb.StartContainerRequest(container_id=args[0]), timeout=T)
    elif cmd == "stop":
        rt.StopContainer(pb.StopContainerRequest(container_id=args[0],
                                                 timeout=int(args[1]) if len(args) > 1 else 0), timeout=T)
    elif cmd == "rm":
        rt.RemoveContainer(pb.RemoveContainerRequest(container_id=args[0]), timeout=T)
    elif cmd == "stopp":
        rt.StopPodSandbox(pb.StopPodSandboxRequest(pod_sandbox_id=args[0]), timeout=T)
    elif cmd == "rmp":
        rt.RemovePodSandbox(pb.RemovePodSandboxRequest(pod_sandbox_id=args[0]), timeout=T)
    elif cmd == "exec":
        r = rt.ExecSync(pb.ExecSyncRequest(container_id=args[0], cmd=args[1:], timeout=20), timeout=T)
        sys.stdout.write(r.stdout.decode(errors="replace") + r.stderr.decode(errors="replace"))
        return r.exit_code
    elif cmd == "version":
        print(rt.Version(pb.VersionRequest(), timeout=T).runtime_version)
    else:
        print("cri.py: unknown command " + cmd, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as e:  # one line, as the shell checks quote it
        print("cri.py %s: %s" % (sys.argv[1], str(e).replace("\n", " ")[:400]), file=sys.stderr)
        sys.exit(1)
