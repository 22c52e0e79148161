package io.vireo.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchCommandTest {
    @Test
    void theComparedDomainIsTheSameXmlUnderAnotherIdentity() {
        String xml = "<domain type='qemu'><name>web1</name><uuid>1b4e28ba-2fa1-11d2-883f-0016d3cca427</uuid>"
                + "<metadata><vireo:vm xmlns:vireo='x' id='1'/></metadata><memory unit='KiB'>131072</memory></domain>";
        String renamed = BenchCommand.StartVm.renamed(xml, "vireo-bench-1");
        assertThat(renamed).contains("<name>vireo-bench-1</name>").doesNotContain("web1")
                .doesNotContain("1b4e28ba-2fa1-11d2-883f-0016d3cca427").doesNotContain("metadata")
                .contains("<memory unit='KiB'>131072</memory>");
    }
}
