#!/usr/bin/env python3
"""Entry point of the ekspodscan search command: finds a Node.js and runs bin/ekspodscan.js on it.

splunkd starts .py commands with its own Python 3 (commands.conf: filename = ekspodscan.py), on
every Splunk from 8.x to 10.2+ and on Splunk Cloud. Splunk 10.2 and Cloud 10.2.2510 ship no
Node.js and no longer run .js commands, so this script picks the node, in this order:

  1. EKS_POD_SCAN_NODE (environment), then [runtime] node in local/ or default/eks_pod_scan.conf;
  2. the node bundled in this app for this platform, bin/node/<os>-<arch>/node[.exe];
  3. $SPLUNK_HOME/bin/node[.exe] (Splunk 10.0 and earlier);
  4. node on PATH.

A configured node that is missing or too old is an error, never a silent fall-through. On POSIX the
script execs node, so splunkd's pipes are node's own; on Windows node runs as a child that
inherits the handles and whose exit code is passed back. With no usable node it answers splunkd
itself over the chunked protocol: an error chunk that says what to do, then exit 1.

Python 3.7 grammar and the standard library only: Splunk 9.0 ships Python 3.7.
"""
import os
import sys

MIN_NODE = (8, 17, 0)
COMMAND = "ekspodscan"
APP_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUNDLE = os.path.join(APP_DIR, "bin", COMMAND + ".js")
WINDOWS = sys.platform == "win32"
NODE_EXE = "node.exe" if WINDOWS else "node"
VERSION_TIMEOUT_S = 10.0


def log(line):
    sys.stderr.write("%s: %s\n" % (COMMAND, line))
    sys.stderr.flush()


def platform_key():
    """<os>-<arch> as the app's --with-node packages name it: linux-x64, windows-x64, darwin-arm64."""
    if WINDOWS:
        machine = os.environ.get("PROCESSOR_ARCHITEW6432") or os.environ.get("PROCESSOR_ARCHITECTURE", "")
        system = "windows"
    else:
        uname = os.uname()
        machine, system = uname.machine, uname.sysname.lower()
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine.lower(), machine.lower())
    return "%s-%s" % (system, arch)


def splunk_home():
    home = os.environ.get("SPLUNK_HOME")
    if home:
        return home
    # An app lives in $SPLUNK_HOME/etc/apps/<app> (or etc/slave-apps, etc/peer-apps on indexers).
    return os.path.dirname(os.path.dirname(os.path.dirname(APP_DIR)))


def read_conf_setting(filename, stanza, key):
    """The value of key in [stanza] of this app's conf file, local/ over default/, and which file."""
    for layer in ("local", "default"):
        path = os.path.join(APP_DIR, layer, filename)
        try:
            with open(path, encoding="utf-8") as conf:
                lines = conf.read().splitlines()
        except OSError:
            continue
        current = None
        for line in lines:
            text = line.strip()
            if not text or text[0] in "#;":
                continue
            if text.startswith("[") and text.endswith("]"):
                current = text[1:-1].strip()
            elif current == stanza and "=" in text:
                name, value = text.split("=", 1)
                if name.strip() == key and value.strip():
                    return value.strip(), path
    return None, None


BUNDLED = "bundled in the app for "


def bundled_version(node):
    """The bundled node's version from the README.txt the build wrote beside it, read rather than
    run: one spawn of node less at every start. "Node.js v26.10.0 for linux-x64: ..." """
    try:
        with open(os.path.join(os.path.dirname(node), "README.txt"), encoding="utf-8") as readme:
            words = readme.readline().split()
    except OSError:
        return None
    if len(words) > 1 and words[0] == "Node.js":
        return parse_version(words[1])
    return None


def parse_version(text):
    parts = text.strip().lstrip("v").split(".")
    try:
        return tuple(int(p) for p in parts[:3])
    except ValueError:
        return None


def node_version(node):
    """(major, minor, patch) that `node --version` prints, or None when it does not run."""
    try:
        return parse_version(run_for_output([node, "--version"]))
    except OSError:
        return None


def run_for_output(argv):
    if WINDOWS:
        import subprocess  # only here: the POSIX path stays fast without it

        done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, timeout=VERSION_TIMEOUT_S)
        return done.stdout.decode("ascii", "replace")
    import select

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never returns
        try:
            devnull = os.open(os.devnull, os.O_RDWR)
            os.dup2(devnull, 0)
            os.dup2(write_fd, 1)
            os.dup2(devnull, 2)
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    os.close(write_fd)
    out = b""
    try:
        while len(out) < 256 and select.select([read_fd], [], [], VERSION_TIMEOUT_S)[0]:
            data = os.read(read_fd, 256)
            if not data:
                break
            out += data
    finally:
        os.close(read_fd)
        try:
            os.kill(pid, 9)
        except OSError:
            pass
        os.waitpid(pid, 0)
    return out.decode("ascii", "replace")


def candidates():
    """(path, why, configured) in the order of the module docstring; configured is None for PATH."""
    env_node = os.environ.get("EKS_POD_SCAN_NODE")
    if env_node:
        yield env_node, "EKS_POD_SCAN_NODE", True
    conf_node, conf_path = read_conf_setting("eks_pod_scan.conf", "runtime", "node")
    if conf_node:
        yield os.path.expandvars(conf_node), "[runtime] node in " + conf_path, True
    key = platform_key()
    yield os.path.join(APP_DIR, "bin", "node", key, NODE_EXE), BUNDLED + key, False
    yield os.path.join(splunk_home(), "bin", NODE_EXE), "Splunk's own node", False
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        if folder:
            yield os.path.join(folder, NODE_EXE), "node on PATH", None


def find_node():
    """(node, why) for the first usable node, or (None, [reasons]) saying what was tried."""
    tried = []
    for node, why, configured in candidates():
        if os.path.isdir(node):
            node = os.path.join(node, NODE_EXE)
        if not os.path.isfile(node):
            if configured:
                return None, ["%s is %s, which does not exist" % (why, node)]
            if configured is False:
                tried.append("%s: none at %s" % (why, node))
            continue
        version = (why.startswith(BUNDLED) and bundled_version(node)) or node_version(node)
        if version is None or version < MIN_NODE:
            found = "v%s" % ".".join(map(str, version)) if version else "not a working node"
            reason = "%s is %s, %s" % (why, node, found)
            if configured:
                return None, [reason + (", older than %s" % ".".join(map(str, MIN_NODE)) if version else "")]
            tried.append(reason)
            continue
        return (node, "node v%s at %s (%s)" % (".".join(map(str, version)), node, why)), None
    if not any(reason.startswith("node on PATH") for reason in tried):
        tried.append("no node on PATH")
    return None, tried


def app_version():
    version, _ = read_conf_setting("app.conf", "id", "version")
    return version or "<version>"


def no_node_message(tried):
    return (
        "ekspodscan found no Node.js %s or later to run on. "
        "Splunk Enterprise 10.2 and later and Splunk Cloud 10.2.2510 and later ship no Node.js. "
        "Install the app package that bundles Node.js for this platform, eks_pod_scan-%s-%s.tar.gz, "
        "or install Node.js and set node = <path to node> under [runtime] in "
        "$SPLUNK_HOME/etc/apps/eks_pod_scan/local/eks_pod_scan.conf, on the search head and on the indexers. "
        "Tried: %s."
        % (".".join(map(str, MIN_NODE)), app_version(), platform_key(), "; ".join(tried) or "nothing")
    )


def answer_with_error(message):
    """Reads splunkd's getinfo chunk, replies with an SCP v2 error chunk, exits 1."""
    log("error: " + message)
    stdin = sys.stdin.buffer
    header = stdin.readline(1024)
    fields = header[len(b"chunked 1.0,"):].strip().split(b",") if header.startswith(b"chunked 1.0,") else []
    if len(fields) == 2 and fields[0].isdigit() and fields[1].isdigit():
        stdin.read(int(fields[0]) + int(fields[1]))
    import json  # only here: each import costs start-up time on the normal path

    # splunkd wants inspector before error, as the command's own error chunks have it.
    meta = json.dumps({"inspector": {"messages": [["ERROR", message]]}, "finished": True, "error": message},
                      separators=(",", ":")).encode("utf-8")
    sys.stdout.buffer.write(b"chunked 1.0,%d,0\n" % len(meta) + meta)
    sys.stdout.buffer.flush()
    sys.exit(1)


def node_environment(node):
    """splunkd's environment, minus Splunk's own libraries for a node that is not Splunk's.

    splunkd puts $SPLUNK_HOME/lib on LD_LIBRARY_PATH and its openssl.cnf in OPENSSL_CONF; a node
    built elsewhere must load its own libstdc++ and OpenSSL defaults (inferred, not documented).
    """
    env = dict(os.environ)
    home = os.path.normcase(os.path.abspath(splunk_home()))
    if os.path.normcase(os.path.abspath(node)).startswith(os.path.join(home, "bin")):
        return env
    for name in ("LD_LIBRARY_PATH", "DYLD_LIBRARY_PATH"):
        if name in env:
            kept = [p for p in env[name].split(os.pathsep) if p and not os.path.normcase(os.path.abspath(p)).startswith(home)]
            if kept:
                env[name] = os.pathsep.join(kept)
            else:
                del env[name]
    if "OPENSSL_CONF" in env and os.path.normcase(os.path.abspath(env["OPENSSL_CONF"])).startswith(home):
        del env["OPENSSL_CONF"]
    return env


def main():
    found, tried = find_node()
    if found is None:
        answer_with_error(no_node_message(tried))
    node, why = found
    log("runtime: " + why)
    argv = [node, BUNDLE] + sys.argv[1:]
    env = node_environment(node)
    if WINDOWS or os.environ.get("_EKS_POD_SCAN_CHILD") == "1":
        import subprocess

        sys.exit(subprocess.call(argv, env=env))
    os.execve(node, argv, env)


if __name__ == "__main__":
    main()
