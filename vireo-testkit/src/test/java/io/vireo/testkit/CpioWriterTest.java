package io.vireo.testkit;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

class CpioWriterTest
{
    @Test
    void writesEntriesTheKernelCanUnpack()
            throws IOException
    {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (CpioWriter cpio = new CpioWriter(bytes)) {
            cpio.directory("dev", 0755);
            cpio.characterDevice("dev/console", 0600, 5, 1);
            cpio.file("init", 0755, "#!/bin/sh\n".getBytes(UTF_8));
            cpio.symlink("bin/sh", "busybox");
        }

        List<String> entries = new ArrayList<>();
        byte[] archive = bytes.toByteArray();
        int offset = 0;
        while (true) {
            String header = new String(archive, offset, 110, US_ASCII);
            assertThat(header).startsWith("070701");
            int mode = field(header, 1);
            int size = field(header, 6);
            int nameSize = field(header, 11);
            String name = new String(archive, offset + 110, nameSize - 1, UTF_8);
            offset = align(offset + 110 + nameSize);
            String content = new String(archive, offset, size, UTF_8);
            offset = align(offset + size);
            if (name.equals("TRAILER!!!")) {
                break;
            }
            entries.add("%s %o %d:%d %s".formatted(name, mode, field(header, 9), field(header, 10), content));
        }
        assertThat(offset).isEqualTo(archive.length);
        assertThat(entries).containsExactly(
                "dev 40755 0:0 ",
                "dev/console 20600 5:1 ",
                "init 100755 0:0 #!/bin/sh\n",
                "bin/sh 120777 0:0 busybox");
    }

    private static int field(String header, int index)
    {
        return Integer.parseInt(header.substring(6 + index * 8, 14 + index * 8), 16);
    }

    private static int align(int offset)
    {
        return (offset + 3) & ~3;
    }
}
