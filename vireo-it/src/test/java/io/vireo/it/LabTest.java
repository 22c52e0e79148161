package io.vireo.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The base of every end-to-end class: the one shared lab, its API client and the common steps.
 * What a test makes (pools, affinity groups, VMs, disks, users) is removed after it, and what a
 * class makes in its @BeforeAll after the class, passed or failed: see {@link LabInventory}.
 */
@ExtendWith(LabEnvironment.class)
abstract class LabTest {
    static LabEnvironment lab;
    static Scenario scenario;
    static Api api;
    private static LabInventory beforeClass;
    private LabInventory beforeTest;

    @BeforeAll
    static void joinTheLab() {
        lab = LabEnvironment.get();
        scenario = new Scenario(lab);
        api = lab.api();
        beforeClass = LabInventory.take(api);
    }

    @BeforeEach
    void noteWhatTheLabHolds() {
        beforeTest = LabInventory.take(api);
    }

    @AfterEach
    void removeWhatTheTestMade() {
        if (beforeTest != null) {
            beforeTest.removeWhatIsNew(api);
        }
    }

    @AfterAll
    static void removeWhatTheClassMade() {
        if (beforeClass != null) {
            beforeClass.removeWhatIsNew(api);
            beforeClass = null;
        }
    }
}
