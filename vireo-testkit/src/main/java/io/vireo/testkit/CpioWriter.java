package io.vireo.testkit;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs. Written here
 * rather than by the cpio tool so that the archive can hold device nodes (/dev/console) and
 * root-owned files without the builder needing mknod or chown, and so that it is reproducible.
 */
final class CpioWriter
        implements Closeable
{
    private static final int TYPE_DIRECTORY = 0040000;
    private static final int TYPE_FILE = 0100000;
    private static final int TYPE_SYMLINK = 0120000;
    private static final int TYPE_CHARACTER_DEVICE = 0020000;

    private final OutputStream out;
    private long written;
    private int nextInode = 1;

    CpioWriter(OutputStream out)
    {
        this.out = requireNonNull(out, "out is null");
    }

    void directory(String path, int permissions)
            throws IOException
    {
        entry(path, TYPE_DIRECTORY | permissions, 2, 0, 0, new byte[0]);
    }

    void file(String path, int permissions, byte[] content)
            throws IOException
    {
        entry(path, TYPE_FILE | permissions, 1, 0, 0, content);
    }

    void symlink(String path, String target)
            throws IOException
    {
        entry(path, TYPE_SYMLINK | 0777, 1, 0, 0, target.getBytes(UTF_8));
    }

    void characterDevice(String path, int permissions, int major, int minor)
            throws IOException
    {
        entry(path, TYPE_CHARACTER_DEVICE | permissions, 1, major, minor, new byte[0]);
    }

    /** Writes the trailer entry; the stream underneath is left open for its owner to close. */
    @Override
    public void close()
            throws IOException
    {
        entry("TRAILER!!!", 0, 1, 0, 0, new byte[0]);
        out.flush();
    }

    private void entry(String path, int mode, int links, int deviceMajor, int deviceMinor, byte[] content)
            throws IOException
    {
        byte[] name = path.getBytes(UTF_8);
        StringBuilder header = new StringBuilder("070701");
        int inode = path.equals("TRAILER!!!") ? 0 : nextInode++;
        for (long field : new long[] {inode, mode, 0, 0, links, 0, content.length, 0, 0, deviceMajor, deviceMinor, name.length + 1, 0}) {
            header.append("%08x".formatted(field));
        }
        write(header.toString().getBytes(US_ASCII));
        write(name);
        write(new byte[] {0});
        pad();
        write(content);
        pad();
    }

    private void write(byte[] bytes)
            throws IOException
    {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad()
            throws IOException
    {
        while (written % 4 != 0) {
            write(new byte[] {0});
        }
    }
}
