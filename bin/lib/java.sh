# shellcheck shell=bash
# Sourced by the launchers in bin/: finds a JDK 21 or newer and makes sure the jars they run exist.
# Expects P2PCI_ROOT (the repository's root) to be set by the launcher; sets P2PCI_JAVA.

readonly P2PCI_MIN_JAVA=21

# Prints the major version (8, 17, 21, ...) of the java executable $1, or nothing when it does not run.
# The JDK's 'release' file answers without starting a JVM, which matters when four programs start at once;
# otherwise the JVM itself is asked.
p2pci_java_major() {
    local java=$1 home version
    [ -x "$java" ] || return 0
    home=$(dirname "$(dirname "$java")")
    if [ -f "$home/release" ]; then
        version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$home/release")
    fi
    if [ -z "${version:-}" ]; then
        version=$("$java" -XshowSettings:properties -version 2>&1 \
            | sed -n 's/^ *java\.specification\.version = *//p' | head -n 1)
    fi
    version=${version#1.}          # Java 8 and older call themselves 1.8, 1.7, ...
    version=${version%%[!0-9]*}    # 21.0.2 -> 21, 25-ea -> 25
    [ -n "$version" ] && echo "$version"
    return 0
}

# True when $1 is a java executable of version P2PCI_MIN_JAVA or newer; sets P2PCI_JAVA_MAJOR to its version.
p2pci_java_is_recent() {
    P2PCI_JAVA_MAJOR=$(p2pci_java_major "$1")
    [ -n "$P2PCI_JAVA_MAJOR" ] && [ "$P2PCI_JAVA_MAJOR" -ge "$P2PCI_MIN_JAVA" ]
}

# Sets P2PCI_JAVA (and P2PCI_JAVA_MAJOR, its version) to the first JDK 21+ found: $JAVA_HOME, then java on the
# PATH, then the usual install folders.
# Exits with a hint on what to install when there is none.
p2pci_find_java() {
    local candidate
    if [ -n "${JAVA_HOME:-}" ]; then
        if p2pci_java_is_recent "$JAVA_HOME/bin/java"; then
            P2PCI_JAVA=$JAVA_HOME/bin/java
            return
        fi
        echo "p2p-ci: ignoring JAVA_HOME=$JAVA_HOME: not a Java $P2PCI_MIN_JAVA or newer" >&2
    fi
    if candidate=$(command -v java) && p2pci_java_is_recent "$candidate"; then
        P2PCI_JAVA=$candidate
        return
    fi
    for candidate in /usr/lib/jvm/*/bin/java /usr/local/lib/jvm/*/bin/java /opt/java/bin/java \
        /opt/java/*/bin/java /opt/jdk*/bin/java /opt/jdk*/*/bin/java "$HOME"/.sdkman/candidates/java/*/bin/java \
        /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
        if p2pci_java_is_recent "$candidate"; then
            P2PCI_JAVA=$candidate
            return
        fi
    done
    cat >&2 <<HINT
P2P-CI needs Java $P2PCI_MIN_JAVA or newer, and none was found (looked at JAVA_HOME, java on the PATH,
/usr/lib/jvm, /usr/local/lib/jvm, /opt/java, /opt/jdk*, ~/.sdkman and /Library/Java/JavaVirtualMachines).
Install one, e.g. 'sudo apt-get install openjdk-21-jdk', 'brew install openjdk@21' or from
https://adoptium.net, or set JAVA_HOME to the one you have.
HINT
    exit 1
}

# Builds the project when any of the given jars (paths relative to P2PCI_ROOT) is missing.
# Maven's output goes to stderr, so that a program's stdout carries only what the program prints.
p2pci_require_jars() {
    local jar missing=""
    for jar in "$@"; do
        [ -f "$P2PCI_ROOT/$jar" ] || missing="$missing $jar"
    done
    [ -z "$missing" ] && return
    if ! command -v mvn >/dev/null 2>&1; then
        echo "p2p-ci: missing$missing; building it needs Maven 3.6.3 or newer (e.g. 'sudo apt-get install maven'" \
            "or 'brew install maven')" >&2
        exit 1
    fi
    # -B: batch mode, never waiting for input; -q: only Maven's errors. Once built, the jars are used as they are.
    echo "p2p-ci: missing$missing; building the project with 'mvn -B -q -DskipTests package' (a minute or two)" >&2
    if ! (cd "$P2PCI_ROOT" && mvn -B -q -DskipTests package) >&2; then
        echo "p2p-ci: the build failed; see Maven's messages above" >&2
        exit 1
    fi
}

# Sets P2PCI_ARCHIVE_OPTS to the JVM options that keep a class-data archive for the jar $1 (a path relative to
# P2PCI_ROOT) next to it, one per java executable. A run without an archive writes one as it exits, and later
# runs map the classes it holds instead of loading and verifying them from the jar, which takes a third off a
# peer's start-up. The JVM's messages about the archive are turned off, as they would land in the program's
# stdout. Left empty (no archive) for --help and --version, whose few classes would make a poor archive that
# later runs then keep; when the jar's directory cannot be written (the JVM would fail at exit writing the
# archive); and for a path with a colon, which the option would take for a list. An archive the JVM would
# refuse without writing a new one (older than the jar or the java executable) or that an early-ending run
# left (under 4 MiB; a whole run's is 10 to 20) is removed first.
p2pci_class_archive_options() {
    local jar=$P2PCI_ROOT/$1 arg archive size
    P2PCI_ARCHIVE_OPTS=()
    shift
    for arg in "$@"; do
        case $arg in
            -h | --help | -V | --version) return ;;
        esac
    done
    archive=${jar%.jar}-$(printf '%s' "$P2PCI_JAVA" | cksum | cut -d' ' -f1).jsa
    case $archive in
        *:*) return ;;
    esac
    [ -w "$(dirname "$archive")" ] || return 0
    if [ -e "$archive" ]; then
        size=$(wc -c <"$archive" 2>/dev/null || echo 0)
        if [ "$jar" -nt "$archive" ] || [ "$P2PCI_JAVA" -nt "$archive" ] || [ "$size" -lt 4194304 ]; then
            rm -f "$archive" 2>/dev/null || return 0
        fi
    fi
    P2PCI_ARCHIVE_OPTS=("-XX:SharedArchiveFile=$archive" -XX:+AutoCreateSharedArchive '-Xlog:cds*=off')
}
