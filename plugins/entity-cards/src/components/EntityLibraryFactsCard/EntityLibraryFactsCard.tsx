import { InfoCard, StructuredMetadataTable } from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import {
  isLibraryFactsAvailable,
  LIBRARY_FACT_ANNOTATIONS,
} from '../../annotations';

const labels: Record<keyof typeof LIBRARY_FACT_ANNOTATIONS, string> = {
  language: 'Language',
  latestVersion: 'Latest release',
  nodeVersion: 'Node.js',
  pythonVersion: 'Python',
};

/** Language, runtime and latest release of a library, from its `example.com/*` annotations. */
export const EntityLibraryFactsCard = () => {
  const { entity } = useEntity();
  if (!isLibraryFactsAvailable(entity)) {
    return (
      <InfoCard title="Versions and language">
        <MissingAnnotationEmptyState
          annotation={LIBRARY_FACT_ANNOTATIONS.latestVersion}
        />
      </InfoCard>
    );
  }
  const metadata = Object.fromEntries(
    Object.entries(LIBRARY_FACT_ANNOTATIONS)
      .map(([key, annotation]) => [
        labels[key as keyof typeof labels],
        entity.metadata.annotations?.[annotation],
      ])
      .filter(([, value]) => value),
  );
  return (
    <InfoCard title="Versions and language">
      <StructuredMetadataTable metadata={metadata} />
    </InfoCard>
  );
};
