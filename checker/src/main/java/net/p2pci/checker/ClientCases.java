package net.p2pci.checker;

import java.util.List;

/** The cases of {@code p2pci-check client}. */
public final class ClientCases {
    private ClientCases() {
    }

    public static List<CheckCase<ClientRun>> all() {
        return List.of();
    }
}
