package net.p2pci.server.store;

/**
 * Told of each transaction a store commits for index changes, with how many changes it held (more than one when
 * writers were grouped) and how long it took: the metrics of group commit. Called under the store's write lock, so
 * it must only count.
 */
@FunctionalInterface
public interface CommitObserver {
    CommitObserver NONE = (changes, nanos) -> {
    };

    void committed(int changes, long nanos);
}
