package net.p2pci.protocol;

import java.time.Duration;

/** Waits for a reader over bytes that are all there: a stream has no silence, its end is what ends an answer. */
public final class NoSilence {
    public static final FileAnswerReader.Waits WAITS = new FileAnswerReader.Waits() {
        @Override
        public void quiet(Duration silence) {
        }

        @Override
        public void lastBytes(Duration silence) {
        }

        @Override
        public void patient() {
        }
    };

    private NoSilence() {
    }
}
