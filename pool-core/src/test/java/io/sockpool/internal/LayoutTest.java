package io.sockpool.internal;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The package rules of docs/design.md ("Code layout"), checked on pool-core's compiled classes:
 * leaf packages of {@code io.sockpool.internal} never depend on the engine (the root package) or on
 * each other, no part of the engine depends on its composition root ({@link KeyedChannelPool}),
 * only the engine touches commons-pool2, the public API never exposes an internal type, and no
 * package cycles.
 */
@Timeout(60)
class LayoutTest {
  private static final String API = "io.sockpool";
  private static final String SIZING = "io.sockpool.sizing";
  private static final String ENGINE = "io.sockpool.internal";
  private static final List<String> LEAVES =
      List.of("group", "io", "jfr", "metrics", "queue", "resolve");

  private static JavaClasses classes;

  @BeforeAll
  static void importMainClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages(API);
  }

  @Test
  void leafPackagesDependNeitherOnTheEngineNorOnEachOther() {
    for (String leaf : LEAVES) {
      List<String> forbidden = new ArrayList<>();
      forbidden.add(ENGINE);
      for (String other : LEAVES) {
        if (!other.equals(leaf)) {
          forbidden.add(ENGINE + "." + other + "..");
        }
      }
      noClasses()
          .that()
          .resideInAPackage(ENGINE + "." + leaf + "..")
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(forbidden.toArray(String[]::new))
          .because("a leaf package is used by the engine and uses only the public API and the JDK")
          .check(classes);
    }
  }

  @Test
  void everyInternalClassIsInTheEngineOrAKnownLeafPackage() {
    Set<String> known = new java.util.HashSet<>();
    known.add(ENGINE);
    LEAVES.forEach(l -> known.add(ENGINE + "." + l));
    classes()
        .that()
        .resideInAPackage(ENGINE + "..")
        .should()
        .resideInAnyPackage(known.toArray(String[]::new))
        .because("a new package gets its rules here and in docs/design.md first")
        .check(classes);
  }

  @Test
  void onlyTheEngineTouchesCommonsPool2() {
    noClasses()
        .that()
        .resideOutsideOfPackage(ENGINE)
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.apache.commons.pool2..")
        .because("commons-pool2 is an implementation detail of the engine")
        .check(classes);
  }

  @Test
  void noPartOfTheEngineDependsOnItsCompositionRoot() {
    noClasses()
        .that()
        .resideInAPackage(ENGINE + "..")
        .and()
        .doNotBelongToAnyOf(KeyedChannelPool.class)
        .should()
        .dependOnClassesThat()
        .belongToAnyOf(KeyedChannelPool.class)
        .because(
            "the engine's parts get what they use through their constructors, never the engine"
                + " (docs/design.md, Code layout)")
        .check(classes);
  }

  @Test
  void thePublicApiExposesNoInternalType() {
    classes()
        .that()
        .resideInAnyPackage(API, SIZING)
        .and()
        .arePublic()
        .should(exposeNoInternalType())
        .check(classes);
  }

  @Test
  void packagesHaveNoCycles() {
    slices()
        .matching("io.sockpool.internal.(*)..")
        .should()
        .beFreeOfCycles()
        .because("the leaf packages are independent of each other")
        .check(classes);
    slices()
        .matching("io.sockpool.(*)..")
        .should()
        .beFreeOfCycles()
        .because("the sizing calculators and the internals do not depend on each other")
        .check(classes);
  }

  /** No public or protected member signature, supertype or field type names an internal class. */
  private static ArchCondition<JavaClass> exposeNoInternalType() {
    return new ArchCondition<>("expose no type of " + ENGINE) {
      @Override
      public void check(JavaClass api, ConditionEvents events) {
        List<JavaType> exposed = new ArrayList<>();
        api.getRawSuperclass().ifPresent(exposed::add);
        exposed.addAll(api.getRawInterfaces());
        for (JavaCodeUnit unit : api.getCodeUnits()) {
          if (visible(unit.getModifiers())) {
            exposed.add(unit.getReturnType());
            exposed.addAll(unit.getParameterTypes());
            exposed.addAll(unit.getExceptionTypes());
          }
        }
        for (JavaField field : api.getFields()) {
          if (visible(field.getModifiers())) {
            exposed.add(field.getType());
          }
        }
        for (JavaType type : exposed) {
          for (JavaClass raw : type.getAllInvolvedRawTypes()) {
            if (raw.getPackageName().equals(ENGINE)
                || raw.getPackageName().startsWith(ENGINE + ".")) {
              events.add(
                  SimpleConditionEvent.violated(
                      api, api.getName() + " exposes the internal type " + raw.getName()));
            }
          }
        }
      }
    };
  }

  private static boolean visible(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }
}
