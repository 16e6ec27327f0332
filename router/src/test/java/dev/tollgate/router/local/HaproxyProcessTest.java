package dev.tollgate.router.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HaproxyProcessTest {
    @TempDir
    Path dir;

    @Test
    void shouldFindNothingWhereThereIsNoHaproxy() throws Exception {
        // given: directories without an executable haproxy (one has a plain file of that name)
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(plain.resolve("haproxy"), "not executable");

        // when / then
        assertThat(HaproxyProcess.find(empty + "::" + plain, List.of())).isEmpty();
    }

    @Test
    void shouldFindHaproxyOnThePathBeforeTheExtraDirectories() throws Exception {
        // given
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path sbin = Files.createDirectories(dir.resolve("sbin"));
        for (Path d : List.of(bin, sbin)) {
            Files.createFile(
                    d.resolve("haproxy"),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }

        // when / then
        assertThat(HaproxyProcess.find(dir.resolve("none") + ":" + bin, List.of(sbin.toString())))
                .contains(bin.resolve("haproxy"));
        assertThat(HaproxyProcess.find("", List.of(sbin.toString()))).contains(sbin.resolve("haproxy"));
    }
}
