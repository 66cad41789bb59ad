package net.p2pci.peer.upload;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.p2pci.protocol.ReprDigest;

/**
 * The SHA-256 digest of each file the upload server was asked for one (docs/PROTOCOL.md 9.2), computed once per
 * version of the file and kept: a version is its size and modification time, so a file changed in place is digested
 * again, and an unchanged one costs a map look-up, however many range requests ask.
 *
 * <p>Thread-safe: a concurrent map of futures; requests for a digest being computed wait for that computation
 * (within a deadline) instead of starting their own.
 */
final class DigestCache {
    /** One version of one file and its digest, done or under way. */
    private record Entry(long size, Instant lastModified, CompletableFuture<ReprDigest> digest) {
        boolean isOf(long otherSize, Instant otherLastModified) {
            return size == otherSize && lastModified.equals(otherLastModified) && !digest.isCompletedExceptionally();
        }
    }

    /** Keyed by the directory entry: at most one entry per file the library offers. */
    private final ConcurrentHashMap<Path, Entry> entries = new ConcurrentHashMap<>();
    private final Duration wait;

    /** @param wait how long a request waits for a digest another request is computing */
    DigestCache(Duration wait) {
        this.wait = wait;
    }

    /**
     * The digest of bytes {@code 0..size-1} of {@code file}, the entry {@code path} opened, from the cache when this
     * version was digested before.
     */
    ReprDigest digestOf(Path path, FileChannel file, long size, Instant lastModified) throws IOException {
        Entry fresh = new Entry(size, lastModified, new CompletableFuture<>());
        Entry entry = entries.compute(path, (key, old) -> old != null && old.isOf(size, lastModified) ? old : fresh);
        if (entry == fresh) {
            try {
                fresh.digest.complete(ReprDigest.of(file, size));
            } catch (IOException | RuntimeException e) {
                fresh.digest.completeExceptionally(e);
                entries.remove(path, fresh);
                throw e;
            }
        }
        try {
            return entry.digest.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for the digest of " + path.getFileName(), e);
        } catch (ExecutionException e) {
            throw new IOException("the digest of " + path.getFileName() + " could not be computed", e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("the digest of " + path.getFileName() + " took over " + wait.toMillis() + " ms");
        }
    }

    /** How many versions are held, for tests. */
    int size() {
        return entries.size();
    }
}
