package dev.minoro.benchmarks;

import dev.minoro.benchmarks.JmhResults.Score;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Optional;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

/**
 * Draws the boot-time chart of {@code RESULTS.md} from JMH's JSON: Minoro, Flyway and the raw floor, booting
 * and closing on an up-to-date SQLite file and PostgreSQL database (1 and 50 applied migrations), bars with
 * JMH's 99.9% error as error bars, the value written on each bar.
 *
 * <pre>java -cp target/benchmarks.jar dev.minoro.benchmarks.Charts target/jmh-result.json boot.png</pre>
 */
public final class Charts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 560;

    private Charts() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Charts JMH.json… OUT.png");
            System.exit(2);
        }
        List<Path> inputs = java.util.Arrays.stream(args, 0, args.length - 1).map(Path::of).toList();
        Path output = Path.of(args[args.length - 1]);
        JmhResults results = JmhResults.read(inputs);
        JFreeChart chart = bootChart(results);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(output.toFile(), chart, WIDTH, HEIGHT);
        System.out.println("wrote " + output);
    }

    static JFreeChart bootChart(JmhResults results) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        String[][] series = {{"minoro", "Minoro"}, {"flyway", "Flyway migrate() + connect"}, {"rawFloor", "raw floor"}};
        int bars = 0;
        for (String db : new String[] {"sqlite", "postgres"}) {
            for (String migrations : BootBenchmark.MIGRATIONS) {
                String category = (db.equals("sqlite") ? "SQLite" : "PostgreSQL") + ", " + migrations
                        + (migrations.equals("1") ? " migration" : " migrations");
                for (String[] s : series) {
                    Optional<Score> score = results.score("BootBenchmark." + s[0], "avgt", "db", db, "migrations",
                            migrations).map(v -> v.in("ms/op"));
                    if (score.isPresent()) {
                        double error = score.get().error();
                        // no error bar when JMH gave no error (one measured iteration)
                        data.add(Double.valueOf(score.get().value()), Double.isNaN(error) ? null : Double.valueOf(error),
                                s[1], category);
                        bars++;
                    }
                }
            }
        }
        if (bars == 0) {
            throw new IllegalArgumentException("no BootBenchmark results in the input");
        }
        StatisticalBarRenderer renderer = new StatisticalBarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setErrorIndicatorStroke(new BasicStroke(1.2f));
        renderer.setSeriesPaint(0, new Color(0x2E, 0x6F, 0xB7));
        renderer.setSeriesPaint(1, new Color(0xD9, 0x7B, 0x29));
        renderer.setSeriesPaint(2, new Color(0x7A, 0x7A, 0x7A));
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00")));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        renderer.setItemMargin(0.05);

        NumberAxis milliseconds = new NumberAxis("ms per boot + close (error bars: JMH 99.9% interval)");
        milliseconds.setUpperMargin(0.12);
        CategoryPlot plot = new CategoryPlot(data, new CategoryAxis(), milliseconds, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
        JFreeChart chart = new JFreeChart("Boot and close on an up-to-date database, warm JVM",
                new Font(Font.SANS_SERIF, Font.BOLD, 16), plot, true);
        chart.addSubtitle(new TextTitle("Minoro vs Flyway 13.12.1 + a connection vs the raw driver floor"
                + " (connect, the ledger SELECT, close); lower is better"));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
