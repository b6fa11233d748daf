import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EntityLibraryFactsCard } from './EntityLibraryFactsCard';
import { EntityWebVitalsCard } from './EntityWebVitalsCard';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
  spec: { type: 'website', owner: 'team', lifecycle: 'production' },
});

describe('EntityWebVitalsCard', () => {
  it('shows the Lighthouse scores from the annotations', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={entity({
          'example.com/lighthouse-performance': '87',
          'example.com/lighthouse-accessibility': '95',
        })}
      >
        <EntityWebVitalsCard />
      </EntityProvider>,
    );
    expect(screen.getByText('Performance: 87')).toBeInTheDocument();
    expect(screen.getByText('Accessibility: 95')).toBeInTheDocument();
    expect(screen.queryByTestId('web-vital-seo')).not.toBeInTheDocument();
  });

  it('explains the missing annotation instead of failing', async () => {
    await renderInTestApp(
      <EntityProvider entity={entity({})}>
        <EntityWebVitalsCard />
      </EntityProvider>,
    );
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/example.com\/lighthouse-performance/).length,
    ).toBeGreaterThan(0);
  });
});

describe('EntityLibraryFactsCard', () => {
  it('lists language and latest release', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={entity({
          'example.com/language': 'typescript',
          'example.com/latest-version': '2.3.1',
        })}
      >
        <EntityLibraryFactsCard />
      </EntityProvider>,
    );
    expect(screen.getByText('typescript')).toBeInTheDocument();
    expect(screen.getByText('2.3.1')).toBeInTheDocument();
  });
});
