// Field offsets of the objects a checkout + return touches (EndpointState, PooledChannel by
// default), as the running JVM lays them out, with JOL: which fields share a cache line.
//
// usage (from the repository root, after `mvn -B -q -pl benchmarks -am package -DskipTests`;
// jol-core from ~/.m2 or https://repo1.maven.org/maven2/org/openjdk/jol/jol-core/0.17/):
//   java -cp benchmarks/target/benchmarks.jar:$HOME/.m2/repository/org/openjdk/jol/jol-core/0.17/jol-core-0.17.jar \
//     benchmarks/scripts/probes/LayoutProbe.java [CLASS...]

import org.openjdk.jol.info.ClassLayout;

public class LayoutProbe {
  public static void main(String[] args) throws Exception {
    String[] names = args.length > 0 ? args
        : new String[] {"io.sockpool.internal.EndpointState", "io.sockpool.internal.PooledChannel"};
    for (String n : names) {
      System.out.println(ClassLayout.parseClass(Class.forName(n)).toPrintable());
    }
  }
}
