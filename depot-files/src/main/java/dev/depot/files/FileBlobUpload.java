package dev.depot.files;

import dev.depot.BlobInfo;
import dev.depot.spi.BlobPublish;
import dev.depot.spi.BlobPublished;
import dev.depot.spi.BlobUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A write in progress: a fresh file in {@code tmp/}, moved into place by {@link FileBlobs#install}. */
final class FileBlobUpload implements BlobUpload {
    private final FileBlobs store;
    private final String bucket;
    private final String path;
    private final Path temp;
    private FileChannel channel;

    FileBlobUpload(FileBlobs store, String bucket, String path, Path temp) throws IOException {
        this.store = store;
        this.bucket = bucket;
        this.path = path;
        this.temp = temp;
        this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (channel == null) {
            throw new IOException("upload already ended");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, offset, length);
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    @Override
    public BlobPublished publish(BlobPublish publish) {
        try {
            synchronized (this) {
                if (channel == null) {
                    throw new IllegalStateException("upload already ended");
                }
                if (store.root.fsync) {
                    channel.force(true);
                }
                channel.close();
                channel = null;
            }
            return store.install(bucket, path, temp, publish.size(), publish.etag(), publish.options(), publish.now());
        } catch (IOException e) {
            abort();
            if (dev.depot.spi.Interrupts.causedBy(e)) { // NIO closed the channel of the interrupted thread
                throw dev.depot.spi.Interrupts.interrupted("publishing bucket '" + bucket + "' path '" + path + "'", e);
            }
            throw new UncheckedIOException("publishing bucket '" + bucket + "' path '" + path + "': " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            abort();
            throw e;
        }
    }

    /** May run on the cleaner's thread, hence synchronized with the writer. */
    @Override
    public synchronized void abort() {
        try {
            if (channel != null) {
                channel.close();
                channel = null;
            }
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            // Whatever stays in tmp/ is deleted at the next open.
        }
    }
}
