import { Gauge, InfoCard } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  isWebVitalsAvailable,
  WEB_VITALS_ANNOTATIONS,
} from '../../annotations';

const labels: Record<keyof typeof WEB_VITALS_ANNOTATIONS, string> = {
  performance: 'Performance',
  accessibility: 'Accessibility',
  bestPractices: 'Best practices',
  seo: 'SEO',
};

/** Lighthouse scores (0-100) of a website, from its `example.com/lighthouse-*` annotations. */
export const EntityWebVitalsCard = () => {
  const { entity } = useEntity();
  if (!isWebVitalsAvailable(entity)) {
    return (
      <InfoCard title="Web vitals">
        <MissingAnnotationEmptyState
          annotation={WEB_VITALS_ANNOTATIONS.performance}
        />
      </InfoCard>
    );
  }
  const scores = Object.entries(WEB_VITALS_ANNOTATIONS)
    .map(([key, annotation]) => ({
      key: key as keyof typeof WEB_VITALS_ANNOTATIONS,
      value: Number(entity.metadata.annotations?.[annotation]),
    }))
    .filter(s => Number.isFinite(s.value));
  return (
    <InfoCard
      title="Web vitals"
      subheader="Latest Lighthouse run (from the catalog annotations)"
    >
      <Grid container spacing={2}>
        {scores.map(({ key, value }) => (
          <Grid item xs={6} md={3} key={key} data-testid={`web-vital-${key}`}>
            <Gauge value={Math.max(0, Math.min(100, value)) / 100} />
            <Typography align="center" variant="body2">
              {labels[key]}: {value}
            </Typography>
          </Grid>
        ))}
      </Grid>
    </InfoCard>
  );
};
