package dev.depot.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import org.junit.jupiter.api.Test;

class StorageFullTest {
    @Test
    void theOperatingSystemsNoSpaceTextsAnywhereInTheChainAreAFullDisk() {
        assertThat(StorageFull.causedBy(new IOException("No space left on device"))).isTrue();
        assertThat(StorageFull.causedBy(new UncheckedIOException(new FileSystemException("/srv/x", null, "Disk quota exceeded"))))
                .isTrue();
        assertThat(StorageFull.causedBy(new RuntimeException(new IOException("There is not enough space on the disk")))).isTrue();
    }

    @Test
    void otherFailuresAreNot() {
        assertThat(StorageFull.causedBy(new IOException("Connection reset"))).isFalse();
        assertThat(StorageFull.causedBy(new IOException((String) null))).isFalse();
        // the text outside an I/O error (a stored value, a message of the caller's) is no full disk
        assertThat(StorageFull.causedBy(new IllegalArgumentException("No space left on device"))).isFalse();
    }

    @Test
    void theExceptionSaysWhatWasWrittenAndThatTheDiskIsFull() {
        IOException cause = new IOException("No space left on device");
        assertThat(StorageFull.exception("writing bucket 'b' path 'x'", cause))
                .hasMessage("no space while writing bucket 'b' path 'x': the disk is full; free space and retry"
                        + " (the depot works again by itself)")
                .hasCause(cause);
    }
}
