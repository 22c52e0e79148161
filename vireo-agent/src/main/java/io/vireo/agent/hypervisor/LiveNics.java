package io.vireo.agent.hypervisor;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.util.Optional;

/**
 * What the agent reads from and changes in a running domain's NICs (its live XML): a NIC is found by
 * its MAC, which the engine keeps unique in a data center, and handed back to libvirt as the domain
 * shows it (with the alias and PCI address libvirt gave it), so that unplugging or relinking it names
 * exactly that device.
 */
public final class LiveNics {
    private LiveNics() {
    }

    /** The live interface element whose MAC is this one, serialized; empty when the domain has none. */
    public static Optional<String> interfaceWithMac(String domainXml, String mac) {
        return element(domainXml, mac).map(DomainXml::serialize);
    }

    /** Whether the interface with this MAC shows its link up (no link element: up); empty when there is none. */
    public static Optional<Boolean> linkUp(String domainXml, String mac) {
        return element(domainXml, mac).map(element -> {
            NodeList links = element.getElementsByTagName("link");
            return links.getLength() == 0 || !((Element) links.item(0)).getAttribute("state").equals("down");
        });
    }

    /** The live interface element with this MAC, its link state set, for updateDeviceFlags; empty when there is none. */
    public static Optional<String> withLinkState(String domainXml, String mac, boolean up) {
        return element(domainXml, mac).map(element -> {
            NodeList links = element.getElementsByTagName("link");
            Element link;
            if (links.getLength() == 0) {
                link = element.getOwnerDocument().createElement("link");
                element.appendChild(link);
            } else {
                link = (Element) links.item(0);
            }
            link.setAttribute("state", up ? "up" : "down");
            return DomainXml.serialize(element);
        });
    }

    private static Optional<Element> element(String domainXml, String mac) {
        NodeList interfaces = DomainXml.parse(domainXml).getElementsByTagName("interface");
        for (int i = 0; i < interfaces.getLength(); i++) {
            Element element = (Element) interfaces.item(i);
            NodeList macs = element.getElementsByTagName("mac");
            if (macs.getLength() > 0 && ((Element) macs.item(0)).getAttribute("address").equalsIgnoreCase(mac)) {
                return Optional.of(element);
            }
        }
        return Optional.empty();
    }
}
