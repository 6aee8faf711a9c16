# PayRoute service image. Build the jar first: mvn -B package -DskipTests
FROM eclipse-temurin:21-jre
WORKDIR /opt/payroute
COPY target/payroute.jar payroute.jar
# routes, mappings and routing rules stay editable files next to the jar, as in development
COPY routes/ routes/
COPY mappings/ mappings/
COPY routing/ routing/
RUN useradd --system --home /opt/payroute payroute && mkdir -p data && chown -R payroute /opt/payroute
USER payroute
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseParallelGC", "-jar", "payroute.jar"]
