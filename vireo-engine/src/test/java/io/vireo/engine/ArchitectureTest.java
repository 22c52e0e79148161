package io.vireo.engine;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The engine's package rules (docs/architecture.md) as a test that fails the build: feature packages
 * depend on each other in one direction, a feature's repository is its own, SQL is written only in
 * repositories, and only the HTTP edge knows HTTP. Run it alone to print the violations:
 * {@code mvn -pl vireo-engine -am test -Dtest=ArchitectureTest -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class ArchitectureTest {
    private static final String ROOT = "io.vireo.engine";
    /** The Handle and Jdbi methods that take SQL text. */
    private static final Set<String> SQL_METHODS = Set.of("createQuery", "createUpdate", "execute", "select", "createBatch",
            "prepareBatch", "createCall", "createScript", "invoke");

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(ROOT);
    }

    @Test
    void featurePackagesFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(engine);
    }

    @Test
    void aRepositoryIsUsedOnlyInsideItsFeature() {
        ArchRule rule = classes().that().haveSimpleNameEndingWith("Repository")
                .should(new ArchCondition<>("be used only by classes of its own package (and the wiring in " + ROOT + ")") {
                    @Override
                    public void check(JavaClass repository, ConditionEvents events) {
                        for (JavaAccess<?> access : repository.getAccessesToSelf()) {
                            report(repository, access.getOriginOwner(), access.getDescription(), events);
                        }
                        repository.getDirectDependenciesToSelf().forEach(dependency ->
                                report(repository, dependency.getOriginClass(), dependency.getDescription(), events));
                    }

                    private void report(JavaClass repository, JavaClass origin, String description, ConditionEvents events) {
                        String from = origin.getPackageName();
                        if (!from.equals(repository.getPackageName()) && !from.equals(ROOT)) {
                            events.add(SimpleConditionEvent.violated(origin, description));
                        }
                    }
                });
        rule.check(engine);
    }

    @Test
    void sqlIsWrittenOnlyInRepositories() {
        noClasses().that().haveSimpleNameNotEndingWith("Repository").and(outside(ROOT + ".store"))
                .and(DescribedPredicate.describe("not an inner class of a repository",
                        (JavaClass type) -> !topLevel(type).getSimpleName().endsWith("Repository")))
                .should().callMethodWhere(DescribedPredicate.describe("a JDBI method that takes SQL text",
                        (JavaMethodCall call) -> call.getTargetOwner().getPackageName().startsWith("org.jdbi.v3")
                                && SQL_METHODS.contains(call.getName())))
                .check(engine);
    }

    @Test
    void onlyTheHttpEdgeKnowsHttp() {
        noClasses().that(DescribedPredicate.describe("not part of the HTTP edge (the api package, *Resource classes, "
                        + "the agents' WebSocket server)", (JavaClass type) -> !edge(topLevel(type))))
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", ROOT + ".api..")
                .check(engine);
    }

    @Test
    void domainRulesDoNotImportTheRestOfTheEngine() {
        classes().that().resideInAnyPackage(ROOT + ".scheduling..", ROOT + ".common..")
                .should().onlyDependOnClassesThat(DescribedPredicate.describe("outside the engine, or in scheduling or common",
                        (JavaClass target) -> !target.getPackageName().startsWith(ROOT)
                                || target.getPackageName().startsWith(ROOT + ".scheduling")
                                || target.getPackageName().startsWith(ROOT + ".common")))
                .check(engine);
    }

    /**
     * OpenStack's identity API sits right below auth: features that serve other OpenStack APIs use it (their
     * tokens' projects) and reach its catalog only through {@code identity.OpenStackService}, which Engine hands in.
     */
    @Test
    void theIdentityApiUsesOnlyAuthAndTheEdge() {
        classes().that().resideInAPackage(ROOT + ".identity..")
                .should().onlyDependOnClassesThat(DescribedPredicate.describe("outside the engine, or in identity, auth, api "
                        + "or common", (JavaClass target) -> !target.getPackageName().startsWith(ROOT)
                        || List.of("identity", "auth", "api", "common").stream()
                        .anyMatch(allowed -> target.getPackageName().startsWith(ROOT + "." + allowed))))
                .check(engine);
    }

    /**
     * The built-in network provider (Neutron's API) sits below the features that use it: the networks package will
     * give VMs NICs on its overlays, so it must not depend on networks, hosts or vms (no cycle).
     */
    @Test
    void theNetworkProviderUsesOnlyIdentityDataCentersAndTheBase() {
        classes().that().resideInAPackage(ROOT + ".neutron..")
                .should().onlyDependOnClassesThat(DescribedPredicate.describe("outside the engine, or in neutron, identity, "
                        + "auth, api, common, store, events or datacenters", (JavaClass target) ->
                        !target.getPackageName().startsWith(ROOT)
                        || List.of("neutron", "identity", "auth", "api", "common", "store", "events", "datacenters").stream()
                        .anyMatch(allowed -> target.getPackageName().startsWith(ROOT + "." + allowed))))
                .check(engine);
    }

    private static DescribedPredicate<JavaClass> outside(String packageName) {
        return DescribedPredicate.describe("outside " + packageName,
                (JavaClass type) -> !type.getPackageName().startsWith(packageName));
    }

    private static JavaClass topLevel(JavaClass type) {
        JavaClass current = type;
        while (current.getEnclosingClass().isPresent()) {
            current = current.getEnclosingClass().get();
        }
        return current;
    }

    private static boolean edge(JavaClass type) {
        return type.getPackageName().startsWith(ROOT + ".api") || type.getSimpleName().endsWith("Resource")
                || type.getName().equals(ROOT + ".hostlink.AgentLinkServer") || type.getName().equals(ROOT + ".Engine");
    }
}
