package net.p2pci.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import net.p2pci.testsupport.PostgresCluster.Availability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Finding PostgreSQL, on stand-in installations of shell scripts that answer {@code --version}, and deciding
 * whether its absence fails the tests or skips them.
 */
class PostgresInstallationTest {
    @TempDir
    Path directory;

    /** A bin directory whose programs do nothing but {@code postgres --version}, which says {@code version}. */
    private Path fakeInstallation(String name, String version) throws IOException {
        Path bin = Files.createDirectories(directory.resolve(name));
        for (String program : PostgresInstallation.PROGRAMS) {
            Path script = bin.resolve(program);
            Files.writeString(script, "#!/bin/sh\necho '" + program + " (PostgreSQL) " + version + "'\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private Availability find(Map<String, String> environment) throws IOException {
        return PostgresInstallation.find(environment, Files.createDirectories(directory.resolve("no-debian")));
    }

    /** The installation found; a root without a postgres user to switch to cannot have one, so that is let pass. */
    private static void assertFound(Availability availability, Path bin, int majorVersion) {
        if (availability instanceof Availability.Unavailable unavailable
                && unavailable.reason().startsWith("this process runs as root")) {
            return;
        }
        assertThat(availability).isInstanceOfSatisfying(Availability.Available.class, available -> {
            assertThat(available.installation().binDirectory()).isEqualTo(bin);
            assertThat(available.installation().majorVersion()).isEqualTo(majorVersion);
        });
    }

    @Test
    void theNamedBinDirectoryIsTakenWhenItHoldsTheProgramsOfARecentVersion() throws Exception {
        Path bin = fakeInstallation("pg16", "16.2 (Debian 16.2-1)");

        Availability found = find(Map.of(PostgresInstallation.BIN_DIRECTORY_VARIABLE, bin.toString()));

        assertFound(found, bin, 16);
        if (found instanceof Availability.Available available) {
            assertThat(available.installation().version()).isEqualTo("16.2");
        }
    }

    @Test
    void aNamedBinDirectoryWithoutTheProgramsIsUnavailableThoughOthersAreOnThePath() throws Exception {
        Path empty = Files.createDirectories(directory.resolve("empty"));
        Path onPath = fakeInstallation("on-path", "16.2");

        Availability found = find(Map.of(PostgresInstallation.BIN_DIRECTORY_VARIABLE, empty.toString(),
                "PATH", onPath.toString()));

        assertThat(found).isInstanceOfSatisfying(Availability.Unavailable.class, unavailable ->
                assertThat(unavailable.reason()).contains("looked only in P2PCI_PG_BIN=" + empty)
                        .contains(empty + " has no initdb"));
    }

    @Test
    void anInstallationOlderThanThirteenIsPassedOverForANewerOne() throws Exception {
        Path old = fakeInstallation("pg12", "12.9");
        Path debian = Files.createDirectories(directory.resolve("debian"));
        Path newer = fakeInstallation("debian/15/bin", "15.18");

        Availability found = PostgresInstallation.find(Map.of("PATH", old.toString()), debian);

        assertFound(found, newer, 15);
    }

    @Test
    void anInstallationOlderThanThirteenAloneIsUnavailableAndTheReasonSaysSo() throws Exception {
        Path old = fakeInstallation("pg12", "12.9");

        Availability found = find(Map.of("PATH", old.toString()));

        assertThat(found).isInstanceOfSatisfying(Availability.Unavailable.class, unavailable ->
                assertThat(unavailable.reason()).startsWith("no PostgreSQL server 13 or newer found")
                        .contains(old + " is PostgreSQL 12.9, older than 13"));
    }

    @Test
    void initdbLinkedIntoThePathLeadsToTheDirectoryItLinksTo() throws Exception {
        Path bin = fakeInstallation("lib/postgresql/15/bin", "15.18");
        Path links = Files.createDirectories(directory.resolve("local-bin"));
        Files.createSymbolicLink(links.resolve("initdb"), bin.resolve("initdb"));

        assertFound(find(Map.of("PATH", "/nonexistent:" + links)), bin.toRealPath(), 15);
    }

    @Test
    void withNothingOnThePathTheNewestDebianVersionIsTaken() throws Exception {
        Path debian = Files.createDirectories(directory.resolve("debian"));
        fakeInstallation("debian/13/bin", "13.20");
        Path newest = fakeInstallation("debian/17/bin", "17.4");
        fakeInstallation("debian/9.6/bin", "9.6.24");

        assertFound(PostgresInstallation.find(Map.of("PATH", ""), debian), newest.toRealPath(), 17);
    }

    @Test
    void withNoInstallationAnywhereTheReasonSaysWhereItLooked() throws Exception {
        Map<String, String> environment = new HashMap<>();
        environment.put("PATH", Files.createDirectories(directory.resolve("bin")).toString());

        Availability found = find(environment);

        assertThat(found).isInstanceOfSatisfying(Availability.Unavailable.class, unavailable ->
                assertThat(unavailable.reason()).isEqualTo("no PostgreSQL server 13 or newer found (looked for"
                        + " initdb on the PATH and in " + directory.resolve("no-debian") + "/*/bin)"));
    }

    @ParameterizedTest(name = "CI={0}, -Dp2pci.requirePostgres={1}: required {2}")
    @CsvSource(nullValues = "unset", value = {
            "unset, unset, false",
            "true,  unset, true",
            "TRUE,  unset, true",
            "false, unset, false",
            "1,     unset, false",
            "unset, true,  true",
            "unset, false, false",
            "false, true,  true",
    })
    void aMissingPostgresFailsTheTestsInCiOrWhenAskedAndSkipsThemElsewhere(String ci, String property,
                                                                           boolean required) {
        Map<String, String> environment = new HashMap<>();
        if (ci != null) {
            environment.put("CI", ci);
        }
        Properties properties = new Properties();
        if (property != null) {
            properties.setProperty(PostgresCluster.REQUIRE_PROPERTY, property);
        }

        assertThat(PostgresCluster.required(environment, properties)).isEqualTo(required);
    }
}
