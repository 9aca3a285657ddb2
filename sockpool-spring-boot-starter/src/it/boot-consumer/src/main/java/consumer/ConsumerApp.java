package consumer;

import io.sockpool.Endpoint;
import io.sockpool.PooledConnection;
import io.sockpool.SocketPool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Starts, checks out one connection from the auto-configured pool, prints the outcome and the HTTP
 * port, serves until a line (or the end) on the standard input, then closes and exits.
 */
@SpringBootApplication
public class ConsumerApp {

  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext ctx = SpringApplication.run(ConsumerApp.class, args);
    System.out.println("CONSUMER PORT " + ctx.getEnvironment().getProperty("local.server.port"));
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    ctx.close();
    System.out.println("CONSUMER CLOSED");
  }

  @Bean
  CommandLineRunner checkout(SocketPool pool) {
    return args -> {
      Endpoint endpoint = Endpoint.parse(System.getProperty("consumer.endpoint"));
      try (PooledConnection c = pool.checkout(endpoint)) {
        System.out.println(
            "CONSUMER CHECKOUT OK pool="
                + pool.config().poolName()
                + " maxTotal="
                + pool.config().maxTotal()
                + " commons-pool2="
                + GenericKeyedObjectPool.class.getPackage().getImplementationVersion());
      }
    };
  }
}
