package net.p2pci.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * A file's SHA-256 digest as the digest extension carries it (docs/PROTOCOL.md 9.2, after RFC 9530): asked for with
 * {@code Want-Repr-Digest: sha-256=1}, sent as {@code Repr-Digest: sha-256=:BASE64:}. Both header values are
 * structured-field dictionaries; this reads the sha-256 member and ignores the others.
 *
 * <p>Thread-safe: immutable.
 */
public final class ReprDigest {
    /** The request header that asks for the digest; a standard peer never sends it. */
    public static final String WANT_HEADER = "Want-Repr-Digest";
    /** The answer header that carries it. */
    public static final String HEADER = "Repr-Digest";
    /** The request header's value this implementation sends: SHA-256, the one algorithm it offers. */
    public static final String WANT_SHA_256 = "sha-256=1";
    private static final String ALGORITHM = "sha-256";
    private static final int SHA_256_BYTES = 32;
    /** Files are read for the digest in pieces of this size: few system calls, little memory. */
    private static final int READ_BYTES = 256 * 1024;

    private final byte[] sha256;

    private ReprDigest(byte[] sha256) {
        if (sha256.length != SHA_256_BYTES) {
            throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, not " + sha256.length);
        }
        this.sha256 = sha256.clone();
    }

    public static ReprDigest ofSha256(byte[] sha256) {
        return new ReprDigest(sha256);
    }

    /** Whether a Want-Repr-Digest value asks for SHA-256: a sha-256 member with a weight from 1 to 10, or bare. */
    public static boolean wantsSha256(String value) {
        return member(value).map(weight -> weight.isEmpty() || (weight.startsWith("=")
                && WireText.parseDecimal(weight.substring(1).strip(), 10) > 0)).orElse(false);
    }

    /** The SHA-256 digest a Repr-Digest value carries, or empty when it carries none that can be read. */
    public static Optional<ReprDigest> parse(String value) {
        Optional<String> member = member(value);
        if (member.isEmpty() || !member.get().startsWith("=")) {
            return Optional.empty();
        }
        String item = member.get().substring(1).strip();
        if (item.length() < 2 || item.charAt(0) != ':' || item.charAt(item.length() - 1) != ':') {
            return Optional.empty();
        }
        try {
            byte[] bytes = Base64.getDecoder().decode(item.substring(1, item.length() - 1));
            return bytes.length == SHA_256_BYTES ? Optional.of(new ReprDigest(bytes)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** What follows {@code sha-256} in a dictionary ({@code =value}, or empty for a bare key), if it is there. */
    private static Optional<String> member(String dictionary) {
        for (String member : dictionary.split(",")) {
            String text = member.strip();
            int parameters = text.indexOf(';');
            if (parameters >= 0) {
                text = text.substring(0, parameters).strip();
            }
            String key = text.contains("=") ? text.substring(0, text.indexOf('=')).strip() : text;
            if (key.toLowerCase(Locale.ROOT).equals(ALGORITHM)) {
                return Optional.of(text.substring(key.length()).strip());
            }
        }
        return Optional.empty();
    }

    /** The header's value: {@code sha-256=:BASE64:}. */
    public String headerValue() {
        return ALGORITHM + "=:" + Base64.getEncoder().encodeToString(sha256) + ":";
    }

    /** The digest of bytes {@code 0..size-1} of {@code file}, read in pieces, never whole. */
    public static ReprDigest of(FileChannel file, long size) throws IOException {
        MessageDigest digest = sha256();
        ByteBuffer buffer = ByteBuffer.allocateDirect(READ_BYTES);
        for (long position = 0; position < size; ) {
            buffer.clear().limit((int) Math.min(READ_BYTES, size - position));
            int read = file.read(buffer, position);
            if (read < 0) {
                throw new IOException("the file ended at " + position + " of " + size + " bytes");
            }
            digest.update(buffer.flip());
            position += read;
        }
        return new ReprDigest(digest.digest());
    }

    /** The digest of {@code bytes}. */
    public static ReprDigest of(byte[] bytes) {
        return new ReprDigest(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReprDigest digest && MessageDigest.isEqual(sha256, digest.sha256);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sha256);
    }

    @Override
    public String toString() {
        return headerValue();
    }
}
