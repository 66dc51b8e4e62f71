package dev.depot.spring.app;

import org.springframework.stereotype.Component;

/** Another component of the application: the Depot test slice must leave it out. */
@Component
public class ReportJob {}
