package io.sockpool.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The application the starter's Spring Boot tests run: nothing but auto-configuration. */
@SpringBootApplication
public class TestApplication {}
