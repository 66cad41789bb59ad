package net.p2pci.peer.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.cli.CommandProcessor;
import net.p2pci.peer.download.DownloadProgress;
import net.p2pci.web.Json;

/**
 * The peer's downloads, clicked on the page (waiting for their turn, then under way) or typed in the shell (under
 * way), and how far each has come: what the page draws as progress bars. A GET that tries several holders is one
 * download per holder. The latest {@link #MAX_KEPT} are kept, oldest finished ones dropped first.
 *
 * <p>Thread-safe: a monitor guards the list; the page's exchanges and the thread running commands share it.
 */
final class DownloadJobs implements CommandProcessor.DownloadWatcher {
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
        /** The holders sending ranges of it now (docs/PROTOCOL.md 9.3); 1 for an ordinary download. */
        int sources = 1;

        Job(long id, int rfcNumber, HostAndPort holder) {
            this.id = id;
            this.rfcNumber = rfcNumber;
            this.holder = holder;
        }
    }

    private final ArrayDeque<Job> jobs = new ArrayDeque<>();
    private long lastId;

    /** A new waiting download clicked on the page, or null when {@link #MAX_WAITING} wait already. */
    synchronized Job add(int rfcNumber, HostAndPort holder) {
        long waiting = jobs.stream().filter(job -> job.state == State.WAITING || job.state == State.RUNNING).count();
        if (waiting >= MAX_WAITING) {
            return null;
        }
        return keep(new Job(++lastId, rfcNumber, holder));
    }

    private Job keep(Job job) {
        jobs.addLast(job);
        while (jobs.size() > MAX_KEPT && dropOneFinished()) {
            // the oldest finished ones go first
        }
        return job;
    }

    /** A download begins: the page's waiting one for it, or one typed in the shell. */
    @Override
    public synchronized void started(int rfcNumber, HostAndPort holder) {
        Job job = find(State.WAITING, rfcNumber, holder);
        if (job == null) {
            job = keep(new Job(++lastId, rfcNumber, holder));
        }
        job.state = State.RUNNING;
    }

    /** A download ends; a saved one shows the file's size as received and total alike. */
    @Override
    public synchronized void ended(int rfcNumber, HostAndPort holder, OptionalLong savedBytes) {
        Job job = find(State.RUNNING, rfcNumber, holder);
        if (job == null) {
            return; // dropped from the list meanwhile
        }
        job.state = savedBytes.isPresent() ? State.DONE : State.FAILED;
        if (savedBytes.isPresent()) {
            job.received = savedBytes.getAsLong();
            job.total = savedBytes;
        }
    }

    /** A download clicked on the page whose GET ended without trying its holder (the RFC was here already, say). */
    synchronized void failIfNeverStarted(Job job) {
        if (job.state == State.WAITING) {
            job.state = State.FAILED;
        }
    }

    private Job find(State state, int rfcNumber, HostAndPort holder) {
        for (Job job : jobs) {
            if (job.state == state && job.rfcNumber == rfcNumber && job.holder.equals(holder)) {
                return job;
            }
        }
        return null;
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

    /** Takes in the downloader's counts for the downloads under way. */
    synchronized void update(List<DownloadProgress> progress) {
        for (DownloadProgress counts : progress) {
            Job job = find(State.RUNNING, counts.rfcNumber(), counts.holder());
            if (job != null) {
                job.received = counts.receivedBytes();
                job.total = counts.totalBytes();
                job.sources = counts.sources();
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
                    .member("sources", job.sources)
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
