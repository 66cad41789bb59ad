package net.p2pci.peer.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.download.DownloadProgress;

/**
 * The downloads started from the web page, waiting, under way or ended, and how far each has come: what the page
 * draws as progress bars. The latest {@link #MAX_KEPT} are kept, those waiting first among them.
 *
 * <p>Thread-safe: a monitor guards the list; the page's exchanges and the threads running the downloads share it.
 */
final class DownloadJobs {
    /** Downloads the page may have waiting for the peer at once; the page says so when one more is asked for. */
    static final int MAX_WAITING = 8;
    /** Downloads shown, finished ones included. */
    static final int MAX_KEPT = 20;

    /** Where a download stands. */
    enum State {
        WAITING, RUNNING, DONE, FAILED
    }

    /** One download of the page's. */
    static final class Job {
        final long id;
        final int rfcNumber;
        final HostAndPort holder;
        State state = State.WAITING;
        long received;
        OptionalLong total = OptionalLong.empty();

        Job(long id, int rfcNumber, HostAndPort holder) {
            this.id = id;
            this.rfcNumber = rfcNumber;
            this.holder = holder;
        }
    }

    private final ArrayDeque<Job> jobs = new ArrayDeque<>();
    private long lastId;

    /** A new waiting download, or null when {@link #MAX_WAITING} wait already. */
    synchronized Job add(int rfcNumber, HostAndPort holder) {
        long waiting = jobs.stream().filter(job -> job.state == State.WAITING || job.state == State.RUNNING).count();
        if (waiting >= MAX_WAITING) {
            return null;
        }
        Job job = new Job(++lastId, rfcNumber, holder);
        jobs.addLast(job);
        while (jobs.size() > MAX_KEPT && dropOneFinished()) {
            // the oldest finished ones go first
        }
        return job;
    }

    private boolean dropOneFinished() {
        for (Job job : jobs) {
            if (job.state == State.DONE || job.state == State.FAILED) {
                jobs.remove(job);
                return true;
            }
        }
        return false;
    }

    synchronized void start(Job job) {
        job.state = State.RUNNING;
    }

    /** Ends a download; a complete one shows the size of the file saved as received and total alike. */
    synchronized void finish(Job job, boolean succeeded, OptionalLong savedBytes) {
        job.state = succeeded ? State.DONE : State.FAILED;
        if (succeeded && savedBytes.isPresent()) {
            job.received = savedBytes.getAsLong();
            job.total = savedBytes;
        }
    }

    /** Takes in the downloader's counts for the downloads under way. */
    synchronized void update(List<DownloadProgress> progress) {
        for (DownloadProgress counts : progress) {
            for (Job job : jobs) {
                if (job.state == State.RUNNING && job.rfcNumber == counts.rfcNumber()) {
                    job.received = counts.receivedBytes();
                    job.total = counts.totalBytes();
                }
            }
        }
    }

    /** The downloads as JSON, oldest first. */
    synchronized String toJson() {
        Json json = new Json().beginObject().name("downloads").beginArray();
        for (Job job : new ArrayList<>(jobs)) {
            json.beginObject()
                    .member("id", job.id)
                    .member("rfc", job.rfcNumber)
                    .member("holder", job.holder.toString())
                    .member("state", job.state.name().toLowerCase(Locale.ROOT))
                    .member("received", job.received)
                    .name("total");
            if (job.total.isPresent()) {
                json.value(job.total.getAsLong());
            } else {
                json.value((String) null);
            }
            json.endObject();
        }
        return json.endArray().endObject().toString();
    }
}
