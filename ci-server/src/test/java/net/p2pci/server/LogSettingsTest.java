package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.logging.log4j.core.util.Constants;
import org.junit.jupiter.api.Test;

/** Log4j settings the server depends on, from log4j2.component.properties. */
class LogSettingsTest {
    @Test
    void log4jKeepsNoCachePerThreadAsThereIsAVirtualThreadPerPeer() {
        assertThat(Constants.ENABLE_THREADLOCALS).isFalse();
    }
}
