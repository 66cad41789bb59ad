# Finds a JDK 21 or newer for the bench scripts: source this file, then java=$(find_java).
# Order: JAVA_HOME, then java on PATH, then the newest JDK under /usr/lib/jvm.
minimum_java=21

# The major version of the java at $1 (8 for 1.8), or nothing when it does not run.
java_major() {
    local line
    # The version line, not a "Picked up JAVA_TOOL_OPTIONS" note that may come first.
    line=$("$1" -version 2>&1 | grep -m 1 " version \"") || return 0
    if [[ $line =~ version\ \"1\.([0-9]+) ]]; then
        echo "${BASH_REMATCH[1]}"
    elif [[ $line =~ version\ \"([0-9]+) ]]; then
        echo "${BASH_REMATCH[1]}"
    fi
}

# JAVA_HOME first, then java on PATH, then the newest JDK under /usr/lib/jvm; each must be 21 or newer.
find_java() {
    local candidate major best="" best_major=0
    if [[ -n ${JAVA_HOME:-} && -x $JAVA_HOME/bin/java ]]; then
        major=$(java_major "$JAVA_HOME/bin/java")
        if [[ -n $major && $major -ge $minimum_java ]]; then
            echo "$JAVA_HOME/bin/java"
            return
        fi
    fi
    if candidate=$(command -v java); then
        major=$(java_major "$candidate")
        if [[ -n $major && $major -ge $minimum_java ]]; then
            echo "$candidate"
            return
        fi
    fi
    for candidate in /usr/lib/jvm/*/bin/java; do
        [[ -x $candidate ]] || continue
        major=$(java_major "$candidate")
        if [[ -n $major && $major -ge $minimum_java && $major -gt $best_major ]]; then
            best=$candidate
            best_major=$major
        fi
    done
    if [[ -z $best ]]; then
        echo "bench: no JDK $minimum_java or newer found (JAVA_HOME, PATH, /usr/lib/jvm)" >&2
        exit 1
    fi
    echo "$best"
}
