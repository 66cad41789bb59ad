/**
 * The embedded store: H2 in this process, an in-memory mirror that answers LOOKUP and the checks before each write
 * ({@code HolderIndex}), and group commit of the changes waiting at once ({@code IndexChange}, {@code WriteBatch},
 * {@code WriteStatements}).
 */
package net.p2pci.server.store.embedded;
