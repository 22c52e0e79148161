package io.vireo.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The base of every end-to-end class: the one shared lab, its API client and the common steps. */
@ExtendWith(LabEnvironment.class)
abstract class LabTest {
    static LabEnvironment lab;
    static Scenario scenario;
    static Api api;

    @BeforeAll
    static void joinTheLab() {
        lab = LabEnvironment.get();
        scenario = new Scenario(lab);
        api = lab.api();
    }
}
