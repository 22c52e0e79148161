package io.vireo.agent.hypervisor;

import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** What the agent reads from and changes in a running domain's displays (its live XML): ports and passwords. */
public final class LiveDisplays {
    private LiveDisplays() {
    }

    /**
     * The live graphics devices of a domain with a new password and its validity, for updateDeviceFlags;
     * with disconnect, SPICE drops its connected clients (connected='disconnect'; QEMU implements only
     * 'keep' for VNC, so a VNC element is left to keep them, and libvirt would refuse anything else).
     */
    public static java.util.List<String> graphicsWithPassword(String domainXml, String password, String validTo,
                                                              boolean disconnect) {
        java.util.List<String> devices = new java.util.ArrayList<>();
        NodeList graphics = DomainXml.parse(domainXml).getElementsByTagName("graphics");
        for (int i = 0; i < graphics.getLength(); i++) {
            Element element = (Element) graphics.item(i);
            element.setAttribute("passwd", password);
            element.setAttribute("passwdValidTo", validTo);
            if (disconnect && element.getAttribute("type").equals("spice")) {
                element.setAttribute("connected", "disconnect");
            } else {
                element.removeAttribute("connected");
            }
            devices.add(DomainXml.serialize(element));
        }
        return devices;
    }

    /**
     * The port of a running domain's display: its VNC server, or its SPICE server when it has no VNC
     * (Vireo gives a VM one display, so one port says where to connect); -1 when it has neither, or
     * before one is allocated.
     */
    public static int displayPort(String domainXml) {
        NodeList graphics = DomainXml.parse(domainXml).getElementsByTagName("graphics");
        int spice = -1;
        for (int i = 0; i < graphics.getLength(); i++) {
            Element element = (Element) graphics.item(i);
            String type = element.getAttribute("type");
            if (type.equals("vnc")) {
                return port(element);
            }
            if (type.equals("spice") && spice < 0) {
                spice = port(element);
            }
        }
        return spice;
    }

    /** The TLS port of a running domain's SPICE display; -1 when it has none (VNC's TLS is on its one port). */
    public static int displayTlsPort(String domainXml) {
        NodeList graphics = DomainXml.parse(domainXml).getElementsByTagName("graphics");
        for (int i = 0; i < graphics.getLength(); i++) {
            Element element = (Element) graphics.item(i);
            if (element.getAttribute("type").equals("spice")) {
                return port(element, "tlsPort");
            }
        }
        return -1;
    }

    private static int port(Element graphics) {
        return port(graphics, "port");
    }

    private static int port(Element graphics, String attribute) {
        try {
            int port = Integer.parseInt(graphics.getAttribute(attribute));
            return port > 0 ? port : -1;
        }
        catch (NumberFormatException e) {
            return -1;
        }
    }
}
